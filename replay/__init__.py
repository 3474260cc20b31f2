"""A local replay of repository.overheid.nl (SRU and FRBR files) for tests and the offline demo."""
