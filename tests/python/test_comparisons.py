"""int_identity__candidate_pairs compares each pair in the order of its records' hashes, not of
their ids: that holds only while every comparison level is symmetric. The levels are exact
agreement, a swap checked both ways, date parts and the string similarity, which on DuckDB is
the built-in Jaro-Winkler (macro duckdb__string_similarity). Its greedy matching of characters
could in principle depend on which string drives it; this checks that it does not, on strings
from a four-letter alphabet, where repeated letters make the matching most ambiguous."""

from __future__ import annotations

import duckdb


def test_jaro_winkler_is_symmetric_on_ambiguous_strings() -> None:
    with duckdb.connect() as con:
        con.execute("select setseed(0.42)")
        con.execute(
            """
            create table words as
            select
                row_number() over () as n,
                list_reduce(
                    list_transform(
                        range(1 + (random() * 12)::int), x -> chr(97 + (random() * 4)::int)
                    ),
                    (a, b) -> a || b
                ) as word
            from range(100000)
            """
        )
        compared, asymmetric = con.execute(
            """
            select
                count(*),
                count(*) filter (
                    where jaro_winkler_similarity(l.word, r.word)
                        != jaro_winkler_similarity(r.word, l.word)
                )
            from words as l
            inner join words as r on r.n = l.n % 100000 + 1
            """
        ).fetchone()
    assert compared == 100_000
    assert asymmetric == 0
