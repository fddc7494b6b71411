-- 001: market data. Book snapshots (top N levels as arrays), trades,
-- feature rows and gaps, each time-partitioned on `ts` (exchange time):
-- TimescaleDB hypertables with compression when the extension is available,
-- native daily range partitions otherwise (partitions are created ahead of
-- the data by the recorder: see src/db/partitions.ts).
--
-- Conventions: `ts` is the exchange time, `local_ts` the local receive time;
-- prices and quantities are double precision in real units; one row per
-- event. Every table is read by "symbol over a time range": the primary
-- index is (symbol, ts).

DO $migration$
DECLARE
  timescale boolean := EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb');
  partition_clause text := CASE WHEN timescale THEN '' ELSE ' PARTITION BY RANGE (ts)' END;
BEGIN
  IF timescale THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
  END IF;

  EXECUTE 'CREATE TABLE IF NOT EXISTS book_snapshots (
    symbol    text             NOT NULL,
    ts        timestamptz      NOT NULL,
    local_ts  timestamptz      NOT NULL,
    u         bigint           NOT NULL,
    stale     boolean          NOT NULL DEFAULT false,
    bid_px    double precision[] NOT NULL,
    bid_qty   double precision[] NOT NULL,
    ask_px    double precision[] NOT NULL,
    ask_qty   double precision[] NOT NULL
  )' || partition_clause;

  EXECUTE 'CREATE TABLE IF NOT EXISTS trades (
    symbol    text             NOT NULL,
    ts        timestamptz      NOT NULL,
    local_ts  timestamptz      NOT NULL,
    trade_id  bigint           NOT NULL,
    price     double precision NOT NULL,
    qty       double precision NOT NULL,
    side      text             NOT NULL CHECK (side IN (''buy'', ''sell''))
  )' || partition_clause;

  -- The headline features get columns (the history API buckets them); the
  -- whole row is kept in `feature_values`, ordered as feature_sets.names.
  EXECUTE 'CREATE TABLE IF NOT EXISTS features (
    symbol          text             NOT NULL,
    ts              timestamptz      NOT NULL,
    local_ts        timestamptz      NOT NULL,
    feature_set     integer          NOT NULL,
    mid             double precision,
    spread          double precision,
    microprice      double precision,
    imbalance_l5    double precision,
    feature_values  double precision[] NOT NULL
  )' || partition_clause;

  EXECUTE 'CREATE TABLE IF NOT EXISTS gaps (
    symbol       text        NOT NULL,
    ts           timestamptz NOT NULL,
    phase        text        NOT NULL CHECK (phase IN (''started'', ''recovered'')),
    reason       text        NOT NULL,
    expected_pu  bigint      NOT NULL,
    got_pu       bigint      NOT NULL,
    u            bigint      NOT NULL,
    exch_ts      timestamptz NOT NULL,
    recovered_u  bigint,
    stale_ms     double precision
  )' || partition_clause;

  CREATE INDEX IF NOT EXISTS book_snapshots_symbol_ts ON book_snapshots (symbol, ts);
  CREATE INDEX IF NOT EXISTS trades_symbol_ts ON trades (symbol, ts);
  CREATE INDEX IF NOT EXISTS features_symbol_ts ON features (symbol, ts);
  CREATE INDEX IF NOT EXISTS gaps_symbol_ts ON gaps (symbol, ts);

  IF timescale THEN
    PERFORM create_hypertable(t, 'ts', chunk_time_interval => interval '1 day', if_not_exists => true)
      FROM unnest(ARRAY['book_snapshots', 'trades', 'features', 'gaps']) AS t;
    EXECUTE 'ALTER TABLE book_snapshots SET (timescaledb.compress, timescaledb.compress_segmentby = ''symbol'')';
    EXECUTE 'ALTER TABLE trades SET (timescaledb.compress, timescaledb.compress_segmentby = ''symbol'')';
    EXECUTE 'ALTER TABLE features SET (timescaledb.compress, timescaledb.compress_segmentby = ''symbol'')';
    PERFORM add_compression_policy(t, interval '1 day', if_not_exists => true)
      FROM unnest(ARRAY['book_snapshots', 'trades', 'features']) AS t;
  END IF;
END
$migration$;

-- Feature column names, once per distinct list: rows refer to it by id, so
-- adding a feature later never rewrites history.
CREATE TABLE IF NOT EXISTS feature_sets (
  id     serial PRIMARY KEY,
  names  text[] NOT NULL UNIQUE
);

-- Which tables are range-partitioned by day (empty under TimescaleDB), so
-- the recorder knows where to create partitions ahead of the data.
CREATE TABLE IF NOT EXISTS partitioned_tables (
  name text PRIMARY KEY
);
INSERT INTO partitioned_tables (name)
  SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
  WHERE c.relname IN ('book_snapshots', 'trades', 'features', 'gaps')
  ON CONFLICT DO NOTHING;
