-- 003: surveillance alerts (actors/surveillance/alert.ts), one row per
-- alert. `ts` is the alert's end (exchange time) and the partition key, so
-- an alert lands in the day it completed; `ts_start`/`ts_end` are the
-- episode's exchange times. `evidence` is the detector's named evidence.
--
-- Replays are idempotent: alert ids are deterministic (symbol, type, side,
-- start time), and (id, ts) is unique (a unique index on a partitioned
-- table must hold the partition key; ts = ts_end is fixed by the id's
-- episode), so the recorder inserts with ON CONFLICT DO NOTHING.
--
-- These are market-level indicators: public data carries no account ids.

DO $migration$
DECLARE
  timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
  partition_clause text := CASE WHEN timescale THEN '' ELSE ' PARTITION BY RANGE (ts)' END;
BEGIN
  EXECUTE 'CREATE TABLE IF NOT EXISTS anomalies (
    id           text             NOT NULL,
    symbol       text             NOT NULL,
    type         text             NOT NULL,
    side         text             NOT NULL CHECK (side IN (''bid'', ''ask'')),
    score        double precision NOT NULL,
    ts_start     timestamptz      NOT NULL,
    ts_end       timestamptz      NOT NULL,
    evidence     jsonb            NOT NULL,
    explanation  text             NOT NULL,
    ts           timestamptz      NOT NULL
  )' || partition_clause;

  CREATE UNIQUE INDEX IF NOT EXISTS anomalies_id_ts ON anomalies (id, ts);
  CREATE INDEX IF NOT EXISTS anomalies_symbol_ts ON anomalies (symbol, ts);
  CREATE INDEX IF NOT EXISTS anomalies_type_ts ON anomalies (type, ts);

  IF timescale THEN
    PERFORM create_hypertable('anomalies', 'ts', chunk_time_interval => interval '1 day', if_not_exists => true);
  END IF;
END
$migration$;

INSERT INTO partitioned_tables (name)
  SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
  WHERE c.relname = 'anomalies'
  ON CONFLICT DO NOTHING;
