"""Operations tooling: the benchmark, synthetic data, and backup and restore of one pilot.

At the top of the apps' order, so it may read every other app; nothing imports it but tests.
"""
