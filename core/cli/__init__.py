"""The command-line interface (`fangxian ...`): thin wrappers over core services."""
