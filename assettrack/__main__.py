from assettrack.cli import main

main()
