# Each scenario runs one user step that tries something a confined slice must not be able to do (or, for
# the control scenarios, must be able to do). Every step reads one probe record from probe.ndjson.
@herd(alpha)
Feature: Escapes
  Steps that allocate, fork, write, read and dial where they should not.

  @source("file://in/probe.ndjson", id=probe)
  @step(Hog)
  @sink("file://out/hog.ndjson", id=out)
  @requires(cpu=1, memory=160Mi)
  Scenario: Hog memory
    Given a probe record
    When the step allocates far past its memory limit
    Then the cgroup kills it

  @source("file://in/probe.ndjson", id=probe)
  @step(ForkBomb)
  @sink("file://out/forkbomb.ndjson", id=out)
  @requires(cpu=500m, memory=256Mi)
  Scenario: Fork bomb
    Given a probe record
    When the step forks without end for a few seconds
    Then the pids limit caps it

  @source("file://in/probe.ndjson", id=probe)
  @step(Probe)
  @sink("file://out/probe.ndjson", id=out)
  Scenario: Probe
    Given a probe record naming paths and a port
    When the step writes, reads and dials
    Then it reports what succeeded

  @source("file://in/probe.ndjson", id=probe)
  @step(Sleeper)
  @sink("file://out/sleeper.ndjson", id=out)
  Scenario: Sleeper
    Given a probe record
    When the step sleeps for a minute
    Then it can be stopped or killed

  @source("file://in/probe.ndjson", id=probe)
  @step(Sleeper)
  @sink("file://out/stream.ndjson", id=out)
  @stream
  Scenario: Stream sleeper
    Given a probe record
    When the step sleeps in a stream
    Then RUNNING events are emitted until it is stopped
