"""The secret salt of every pseudonymous id (profile ids, customer keys), as a one-row table.

The salt comes from the SEGMENTS_PSEUDONYMISATION_SALT environment variable and is read here, at
run time, so that it never appears in compiled SQL, logs, run results or the docs site (a var or a
value inlined by a macro would). Without the variable, a public demo salt is used and the models
that key on it warn: anyone who knows the demo salt can recompute keys from guessed ids, so set a
secret before the marts leave the warehouse. The table is private to the pii group.
"""

import os

import pandas as pd

DEMO_SALT = "open-segments-demo-salt"


def model(dbt, session):
    dbt.config(materialized="table")
    salt = os.environ.get("SEGMENTS_PSEUDONYMISATION_SALT") or DEMO_SALT
    return pd.DataFrame({"salt": [salt], "is_demo_salt": [salt == DEMO_SALT]})
