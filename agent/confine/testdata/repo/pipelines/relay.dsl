# The smallest slice: one source straight into one sink (the start-latency benchmark runs it).
@herd(alpha)
Feature: Relay
  Copies records unchanged.

  @source("file://in/relay.ndjson", id=records)
  @step(rename, a=b)
  @sink("file://out/relay.ndjson", id=out)
  @requires(cpu=1, memory=256Mi)
  Scenario: Relay records
    Given records
    When they are relayed
    Then they land in the sink

  @source("stdin:", format=ndjson, id=events)
  @step(rename, a=b)
  @sink("file://out/stdin-relay.ndjson", id=out)
  @requires(cpu=1, memory=256Mi)
  @stream
  Scenario: Relay stdin
    Given records written to the slice's standard input
    When they are relayed
    Then they land in the sink while the stream runs
