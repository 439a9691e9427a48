"""Writing a network as another framework's source (`cnncalc export`): each op gives its own code (Op.torch)."""
