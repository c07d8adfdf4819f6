// The scheduler's tables, the same on the embedded database and on a server:
// the run history, paused jobs (for one instance; a fleet keeps them with its
// locks) and the per-job lock records the PostgreSQL coordinator claims ticks
// with, through one function so that a claim is one atomic round trip.
import type { Migration } from '@perf/app-kit';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '001-runs',
    sql: `
      CREATE TABLE job_runs (
        id uuid PRIMARY KEY,
        job text NOT NULL,
        trigger text NOT NULL,
        scheduled_at timestamptz,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status text NOT NULL,
        exit_code integer,
        error text,
        output text NOT NULL,
        output_truncated boolean NOT NULL,
        output_bytes bigint NOT NULL,
        attempts integer NOT NULL,
        instance text NOT NULL,
        fence bigint
      );
      CREATE INDEX job_runs_job_started ON job_runs (job, started_at DESC);
      CREATE TABLE job_state (
        job text PRIMARY KEY,
        paused boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    id: '002-locks',
    sql: `
      CREATE TABLE scheduler_locks (
        job text PRIMARY KEY,
        last_tick bigint NOT NULL DEFAULT -1,
        fence bigint NOT NULL DEFAULT 0,
        lease_until timestamptz,
        holder text,
        paused boolean NOT NULL DEFAULT false
      );
      -- One claim (see src/fleet/coordinator.ts): p_tick NULL for a run-now.
      -- The row is locked for the statement, and time is the server's.
      CREATE FUNCTION scheduler_claim(p_job text, p_tick bigint, p_exclusive boolean, p_lease_ms integer, p_instance text)
      RETURNS TABLE (outcome text, fence bigint, holder text)
      LANGUAGE plpgsql AS $$
      DECLARE
        r scheduler_locks%ROWTYPE;
      BEGIN
        INSERT INTO scheduler_locks (job) VALUES (p_job) ON CONFLICT (job) DO NOTHING;
        SELECT * INTO r FROM scheduler_locks l WHERE l.job = p_job FOR UPDATE;
        IF p_tick IS NOT NULL THEN
          IF r.paused THEN RETURN QUERY SELECT 'paused'::text, NULL::bigint, NULL::text; RETURN; END IF;
          IF p_tick <= r.last_tick THEN RETURN QUERY SELECT 'lost'::text, NULL::bigint, NULL::text; RETURN; END IF;
          UPDATE scheduler_locks l SET last_tick = p_tick WHERE l.job = p_job;
        END IF;
        IF p_exclusive AND r.lease_until IS NOT NULL AND r.lease_until > clock_timestamp() THEN
          RETURN QUERY SELECT 'busy'::text, NULL::bigint, r.holder; RETURN;
        END IF;
        UPDATE scheduler_locks l
           SET fence = l.fence + 1,
               lease_until = CASE WHEN p_exclusive THEN clock_timestamp() + p_lease_ms * interval '1 millisecond' ELSE l.lease_until END,
               holder = CASE WHEN p_exclusive THEN p_instance ELSE l.holder END
         WHERE l.job = p_job;
        RETURN QUERY SELECT 'won'::text, r.fence + 1, p_instance;
      END $$;`,
  },
];
