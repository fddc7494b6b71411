-- 002: the recorder's write ledger. Every row the recorder takes in gets a
-- sequence number within its session (one session per recorder start), and
-- rows are written strictly in that order, so what a session has committed
-- is always a prefix: `next_seq` is the first sequence number not yet in the
-- database. Each batch moves it forward in the same transaction as its rows,
-- so a batch retried after an ambiguous failure (the connection died around
-- COMMIT), or a spill file drained again after a crash, skips what is
-- already there: every row lands exactly once.
CREATE TABLE IF NOT EXISTS recorder_progress (
  session     text        PRIMARY KEY,
  next_seq    bigint      NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
