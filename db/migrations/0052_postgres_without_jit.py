"""PostgreSQL: no JIT compilation for this site's database.

Lists filtered by the audience rule carry correlated subqueries whose estimated costs
pass jit_above_cost, so PostgreSQL compiles them: ~300 ms of JIT on a search that runs in
2 ms (measured at a million diary entries).  Short queries are all this site makes, and JIT
pays only for long analytic ones.  Applies to new connections; needs the database's owner
(otherwise a notice, and the operator sets ``jit = off`` in postgresql.conf).
"""


def up(m):
    if m.is_postgres:
        m.sql("""
        DO $$ BEGIN
            EXECUTE 'ALTER DATABASE ' || quote_ident(current_database()) || ' SET jit = off';
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'keitai: could not turn JIT off for this database; set jit = off in postgresql.conf';
        END $$""")
