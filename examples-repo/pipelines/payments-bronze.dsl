# Bronze layer for payments: a long-running slice that reads PSP events from its standard input.
@herd(finance)
Feature: Payments bronze
  The payment service provider (PSP) pushes one JSON event per payment state change. The event
  relay pipes them into this slice's standard input. Card digits never reach storage in clear:
  they are hashed before validation, and events that break the payments contract go to the
  dead-letter sink instead of stopping the stream.

  @source("stdin:", format=ndjson, id=psp_events)
  @step(mask, id=mask_card, contract=payments, strategy=hash)
  @step(validate, id=validate_payments, contract=payments)
  @sink("file://bronze/payments.ndjson", id=bronze_payments)
  @sink("file://deadletter/payments-bronze.ndjson", id=rejected, deadLetter=true)
  @requires(cpu=250m, memory=128Mi)
  @affinity(region=eu-central)
  @stream
  @golden(golden/payments-bronze/stream-psp-events)
  Scenario: Stream PSP events
    Given payment events from the PSP arriving one per line on standard input
    When card digits are hashed and every event is validated against the payments contract
    Then valid events are appended to bronze payments and malformed ones go to the dead-letter sink
