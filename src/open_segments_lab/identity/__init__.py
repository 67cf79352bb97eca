"""Identity-resolution measurements: accuracy against ground truth, Splink side by side."""
