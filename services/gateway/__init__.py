"""Gateway: the HTTP face of the network, and the read model behind its cross-city views."""
