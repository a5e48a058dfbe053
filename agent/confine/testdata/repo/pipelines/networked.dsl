# The same probe in a herd that allows the network.
@herd(netted)
Feature: Networked
  A probe in a herd with network access.

  @source("file://in/probe.ndjson", id=probe)
  @step(Probe)
  @sink("file://out/probe.ndjson", id=out)
  Scenario: Probe with network
    Given a probe record naming a port
    When the step dials it
    Then the connection succeeds
