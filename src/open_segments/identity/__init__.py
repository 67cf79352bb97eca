"""Identity resolution helpers used by the dbt Python models."""
