import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, parseTraceLine, shareOfWindows, wakeLatency, type SchedEvent } from './sched-timeline.ts';

// Two CPUs. Thread 10 (watched) is woken at 100 onto idle CPU 0 and runs at 400; thread 20 (watched) is woken
// at 150 onto CPU 1, busy with thread 30, and runs at 250; at 500 thread 30 preempts 10, which runs again at 700.
const TRACE = `# tracer: nop
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
          <idle>-0       [000] d..2. 17729.000010: sched_switch: prev_comm=node prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
            node-30      [001] d..2. 17729.000020: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=node next_pid=30 next_prio=120
          <idle>-0       [001] dNh2. 17729.000100: sched_wakeup: comm=node pid=10 prio=120 target_cpu=000
            node-30      [001] d.h4. 17729.000150: sched_wakeup: comm=node pid=20 prio=120 target_cpu=001
            node-30      [001] d..2. 17729.000250: sched_switch: prev_comm=node prev_pid=30 prev_prio=120 prev_state=S ==> next_comm=node next_pid=20 next_prio=120
          <idle>-0       [000] d..2. 17729.000400: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=node next_pid=10 next_prio=120
            node-10      [000] d..2. 17729.000500: sched_switch: prev_comm=node prev_pid=10 prev_prio=120 prev_state=R+ ==> next_comm=node next_pid=30 next_prio=120
            node-30      [000] d..2. 17729.000700: sched_switch: prev_comm=node prev_pid=30 prev_prio=120 prev_state=S ==> next_comm=node next_pid=10 next_prio=120
            node-10      [000] d..2. 17729.000900: sched_switch: prev_comm=node prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
`;

function events(): SchedEvent[] {
  return TRACE.split('\n').flatMap((l) => {
    const ev = parseTraceLine(l);
    return ev === undefined ? [] : [ev];
  });
}

test('a trace line becomes a switch or a wake-up on the CPU the thread was put on, in microseconds', () => {
  const evs = events();
  assert.equal(evs.length, 9);
  assert.deepEqual(evs[2], { kind: 'wakeup', t: 17729_000_100, cpu: 0, tid: 10 });
  assert.deepEqual(evs[6], { kind: 'switch', t: 17729_000_500, cpu: 0, prev: 10, prevRunnable: true, next: 30 });
  assert.equal(parseTraceLine('# tracer: nop'), undefined);
});

test('a watched thread waits from its wake-up or preemption until it runs, marked when it was woken onto an idle CPU', () => {
  const tl = buildTimeline(events(), new Set([10, 20]));
  const rel = tl.waits.map((w) => ({ tid: w.tid, s: w.s - 17729_000_000, e: w.e - 17729_000_000, ontoIdle: w.ontoIdle }));
  assert.deepEqual(rel, [
    { tid: 10, s: 100, e: 400, ontoIdle: true },
    { tid: 20, s: 150, e: 250, ontoIdle: false },
    { tid: 10, s: 500, e: 700, ontoIdle: false },
  ]);
  const w = wakeLatency(tl, [50]);
  assert.deepEqual(w, { ontoIdle: [300], ontoBusy: [100], counts: [1, 2] });
});

test('a window counts who waited inside it and what ran on the CPUs meanwhile', () => {
  const tl = buildTimeline(events(), new Set([10, 20]));
  const base = 17729_000_000;
  const names = (tid: number): string => (tid === 0 ? 'idle' : `t${tid}`);
  const share = shareOfWindows(tl, [[base + 100, base + 600]], names);
  assert.equal(share.meanLength, 500);
  // 10 waits 100..400 and 500..600 (the window's end), 20 waits 150..250
  assert.deepEqual([...share.waiting], [['t10', 400], ['t20', 100]]);
  // during 10's first wait: CPU 0 idle 100..400, CPU 1 thread 30 100..250 then 20 250..400; during 20's wait:
  // CPU 0 idle 150..250, CPU 1 thread 30; during 10's second wait (500..600): CPU 0 thread 30, CPU 1 thread 20
  assert.deepEqual(Object.fromEntries(share.ranMeanwhile), { idle: 400, t30: 350, t20: 250 });
});
