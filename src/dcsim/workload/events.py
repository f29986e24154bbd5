"""The SimPy event handlers of :class:`~dcsim.workload.WorkloadSimulation`: jobs and power states.

Jobs and servers are not SimPy processes. Every job costs two SimPy events (arrival and
completion; a third if it is deferred) whose callbacks update the
:class:`~dcsim.workload.cluster.Cluster` indexes, and every power transition one more. Each
change of a per-rack level (busy cores, servers on, booting, in the low-power state, the
servers' summed curve power) appends
``(channel index, delta, time)`` to the accounting log that
:meth:`WorkloadSimulation.advance` integrates at the end of the step.

The handlers are two mixins of :class:`WorkloadSimulation`, which creates the state they
use (job columns as ``array`` buffers, the FCFS queue, the cluster, the placement policy,
the deferral plan, the power-management settings and the log) in its constructor:

- :class:`JobEvents`: arrival, deferral within the job's slack, queueing with optional
  greedy backfill, start and completion;
- :class:`PowerEvents`: idle timers, switching idle servers off (keeping a spare pool),
  waking servers for queued work, boot completion.
"""

from __future__ import annotations

import math

#: queued jobs after the head that greedy backfill looks at
BACKFILL_DEPTH = 64
#: relative tolerance on "idle for the whole timeout" (float sums of times)
_TIME_EPS_S = 1e-6
#: Share of a deferrable job's slack that deferral leaves unused, as a guard against queueing
#: after release (a design choice: 0 lets jobs go to the last possible start).
DEFERRAL_SLACK_RESERVE = 0.25


class JobEvents:
    """Arrival, deferral, queueing, start and completion of jobs (a mixin of WorkloadSimulation)."""

    def _arrive(self, ev) -> None:
        now = self.env.now
        i = self._next
        n = self._n_jobs
        submit = self._submit
        fast = self._deferral is None and not self._queue and not self._pm
        while True:
            if fast:  # _submit_job -> _enqueue inlined for the common case
                self._release_t[i] = now
                s = self._select(self._cores[i])
                if s >= 0:
                    self._start(i, s, now)
                else:
                    self._enqueue(i, now)
                    fast = False
            else:
                self._submit_job(i, now)
            i += 1
            if i >= n or submit[i] > now:
                break
        self._next = i
        if i < n:
            self.env.timeout(submit[i] - now).callbacks.append(self._cb_arrive)

    def _submit_job(self, i: int, now: float) -> None:
        d = self._deferral
        if d is not None and self._deferrable[i]:
            deadline = self._deadline[i]
            if deadline < math.inf:
                dur = self._dur[i]
                k = self._cores[i]
                # deferred jobs may book what the jobs that were not deferred leave free now
                limit = self._total_cores - self._unbooked_cores
                # keep a quarter of the slack in hand: a job released into a busy hall still
                # has time to queue before its latest start
                latest = deadline - dur
                latest -= DEFERRAL_SLACK_RESERVE * max(latest - now, 0.0)
                t = d.choose(now, latest, dur, k, limit, self._unbooked_cores)
                if t > now:
                    d.commit(t, dur, k)
                    self._booked[i] = 1
                    self._deferred += 1
                    self.env.timeout(t - now, i).callbacks.append(self._cb_release)
                    return
        self._enqueue(i, now)

    def _release(self, ev) -> None:
        self._deferred -= 1
        self._enqueue(ev._value, self.env.now, front=True)

    def _enqueue(self, i: int, now: float, front: bool = False) -> None:
        """Start job ``i`` or queue it. A deferred job (``front``) has already waited: if it
        cannot start it goes to the head of the queue."""
        self._release_t[i] = now
        q = self._queue
        if not q or self._backfill or front:
            s = self._select(self._cores[i])
            if s >= 0:
                self._start(i, s, now)
                if self._pm:
                    self._provision(now)
                return
        if front:
            q.appendleft(i)
        else:
            q.append(i)
        self._queued_cores += self._cores[i]
        self._log_i.append(self._i_queue)
        self._log_d.append(1.0)
        self._log_t.append(now)
        if self._pm:
            self._provision(now)

    def _start(self, i: int, s: int, now: float) -> None:
        k = self._cores[i]
        cl = self.cluster
        cl.allocate(s, k)
        r = cl.rack_of[s]
        w = self._weight[i]
        li, ld, lt = self._log_i, self._log_d, self._log_t
        li.append(r)
        ld.append(w)
        lt.append(now)
        # the server moves along its power curve from its old load to its new one
        if self._log_alloc:
            li.append(self._i_alloc)
            ld.append(k)
            lt.append(now)
            b0 = self._busy_w[s]
            b1 = b0 + w
            self._busy_w[s] = b1
            dp = self._server_w(b1) - self._server_w(b0)
        else:
            pw = self._power_by_cores
            c1 = self.cores - cl.free[s]
            dp = pw[c1] - pw[c1 - k]
        li.append(self._i_power + r)
        ld.append(dp)
        lt.append(now)
        self._start_t[i] = now
        self._server_of[i] = s
        self._running += 1
        if not self._booked[i]:
            self._unbooked_cores += k
        self.env.timeout(self._dur[i], i).callbacks.append(self._cb_complete)

    def _complete(self, ev) -> None:
        i = ev._value
        now = self.env.now
        s = self._server_of[i]
        k = self._cores[i]
        cl = self.cluster
        cl.release(s, k)
        r = cl.rack_of[s]
        w = self._weight[i]
        li, ld, lt = self._log_i, self._log_d, self._log_t
        li.append(r)
        ld.append(-w)
        lt.append(now)
        if self._log_alloc:
            li.append(self._i_alloc)
            ld.append(-k)
            lt.append(now)
            b0 = self._busy_w[s]
            # the last job off a server leaves it exactly idle (no round-off left over)
            b1 = b0 - w if cl.free[s] != self.cores else 0.0
            self._busy_w[s] = b1
            dp = self._server_w(b1) - self._server_w(b0)
        else:
            pw = self._power_by_cores
            c1 = self.cores - cl.free[s]
            dp = pw[c1] - pw[c1 + k]
        li.append(self._i_power + r)
        ld.append(dp)
        lt.append(now)
        self._end_t[i] = now
        self._running -= 1
        if not self._booked[i]:
            self._unbooked_cores -= k
        if self._queue:
            self._drain(now)
        if self._pm:
            if cl.free[s] == self.cores:
                self._idle(s, now)
            self._provision(now)

    def _drain(self, now: float) -> None:
        q = self._queue
        select = self._select
        cores = self._cores
        while q:
            i = q[0]
            s = select(cores[i])
            if s < 0:
                break
            q.popleft()
            self._dequeued(i, s, now)
        if self._backfill and len(q) > 1:
            idx = 1
            while idx < len(q) and idx < BACKFILL_DEPTH:
                i = q[idx]
                s = select(cores[i])
                if s >= 0:
                    del q[idx]
                    self._dequeued(i, s, now)
                else:
                    idx += 1

    def _dequeued(self, i: int, s: int, now: float) -> None:
        self._queued_cores -= self._cores[i]
        self._log_i.append(self._i_queue)
        self._log_d.append(-1.0)
        self._log_t.append(now)
        self._start(i, s, now)


class PowerEvents:
    """Idle timers, shutdown, wake-up and boot of servers (a mixin of WorkloadSimulation)."""

    def _idle(self, s: int, now: float) -> None:
        """Server ``s`` became idle at ``now``: arm its idle timer (one pending per server)."""
        self._idle_since[s] = now
        if not self._timer[s]:
            self._timer[s] = 1
            self.env.timeout(self._idle_timeout, s).callbacks.append(self._cb_idle_check)

    def _idle_check(self, ev) -> None:
        s = ev._value
        self._timer[s] = 0
        cl = self.cluster
        if cl.free[s] != self.cores:  # busy, off or booting: a later idle period re-arms
            return
        now = self.env.now
        due = self._idle_since[s] + self._idle_timeout
        if now + _TIME_EPS_S < due:
            self._timer[s] = 1
            self.env.timeout(due - now, s).callbacks.append(self._cb_idle_check)
            return
        if cl.gcnt[self.cores] > self._spare and not self._queue:
            cl.power_off(s)
            r = cl.rack_of[s]
            R = self.racks
            self._log3(R + r, -1.0, now)
            self._log3(3 * R + r, 1.0, now)
            self._log3(self._i_power + r, -self._idle_server_w, now)
            self._shutdowns += 1

    def _log3(self, index: int, delta: float, now: float) -> None:
        self._log_i.append(index)
        self._log_d.append(delta)
        self._log_t.append(now)

    def _provision(self, now: float) -> None:
        """Wake OFF servers for the queued cores and to refill the spare pool."""
        cl = self.cluster
        if not cl.n_off:
            return
        C = self.cores
        need = -(-self._queued_cores // C) + max(0, self._spare - cl.gcnt[C]) - cl.n_booting
        if need <= 0:
            return
        R = self.racks
        woke_now = False
        while need > 0 and cl.n_off:
            r = self.policy.boot_rack()
            s = cl.begin_boot(r)
            self._boots += 1
            self._log3(3 * R + r, -1.0, now)
            need -= 1
            if self._wake_s > 0:
                self._log3(2 * R + r, 1.0, now)
                self.env.timeout(self._wake_s, s).callbacks.append(self._cb_boot_done)
            else:
                self._lump_r.append(r)
                self._lump_j.append(self._wake_j)
                cl.power_on(s)
                self._log3(R + r, 1.0, now)
                self._log3(self._i_power + r, self._idle_server_w, now)
                self._idle(s, now)
                woke_now = True
        if woke_now and self._queue:
            self._drain(now)

    def _boot_done(self, ev) -> None:
        s = ev._value
        now = self.env.now
        cl = self.cluster
        cl.power_on(s)
        r = cl.rack_of[s]
        R = self.racks
        self._log3(2 * R + r, -1.0, now)
        self._log3(R + r, 1.0, now)
        self._log3(self._i_power + r, self._idle_server_w, now)
        if self._queue:
            self._drain(now)
        if cl.free[s] == self.cores:
            self._idle(s, now)
        self._provision(now)
