from painref.cli.main import main

main()
