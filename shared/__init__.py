"""Common code of the Сеть практик services: config, contracts, errors, auth, persistence, plugins."""
