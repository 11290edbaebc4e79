"""Domain rules with no HTTP in them: audiences, friends, accounts, and each feature's logic."""
