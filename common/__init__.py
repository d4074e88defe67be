"""Small helpers with no domain of their own, shared by every app (downloads). Not a Django app:
nothing here has models, and nothing here imports from partners, fidelity, forums or reports."""
