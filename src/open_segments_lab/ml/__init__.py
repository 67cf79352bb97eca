"""Model measurements: accuracy against ground truth, BG/NBD side by side."""
