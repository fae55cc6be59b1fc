from claude_kit.cli import main

main()
