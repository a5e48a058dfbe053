# Bronze layer for web shop orders: keep what the shop sent, minus what breaks the raw contract.
# Refunds (negative amounts) are routed to their own dataset; rejects go to the dead-letter sink.
@herd(retail)
Feature: Orders bronze ingestion
  The web shop exports order events as NDJSON files into the landing zone every few minutes. This
  pipeline checks every event against the raw orders contract and lands it unchanged in bronze, so
  silver can always be rebuilt from bronze. Duplicates are kept here on purpose: the shop retries
  deliveries, and orders-silver removes the copies.

  @contract(orders_raw)
  @source("file://landing/orders/*.ndjson", format=ndjson, contract=orders_raw, id=landing_orders)
  @step(validate, id=validate_raw, contract=orders_raw)
  @sink("file://bronze/orders/live.ndjson", id=bronze_orders, when="record.amount >= 0.0")
  @sink("file://bronze/refunds/live.ndjson", id=refunds, when="record.amount < 0.0")
  @sink("file://deadletter/orders-bronze.ndjson", id=rejected, deadLetter=true)
  @requires(cpu=500m, memory=256Mi)
  @schedule("*/15 * * * *")
  @golden(golden/orders-bronze/ingest-raw-orders)
  Scenario: Ingest raw orders
    Given order files exported by the web shop in the landing zone
    When every order is validated against the orders_raw contract
    Then valid orders land in bronze, refunds in their own dataset and rejected orders in the dead-letter sink with the reason

  @contract(orders_raw)
  @source("file://archive/orders/2024-04/*.ndjson", format=ndjson, contract=orders_raw, id=archived_orders)
  @step(validate, id=validate_raw, contract=orders_raw)
  @sink("file://bronze/orders/backfill-2024-04.ndjson", id=bronze_orders, when="record.amount >= 0.0")
  @sink("file://bronze/refunds/backfill-2024-04.ndjson", id=refunds, when="record.amount < 0.0")
  @sink("file://deadletter/orders-backfill-2024-04.ndjson", id=rejected, deadLetter=true)
  @requires(cpu=500m, memory=512Mi)
  @golden(golden/orders-bronze/backfill-archived-orders)
  Scenario: Backfill archived orders
    Given the April 2024 order export restored from the archive
    When it is validated against the same contract as the live ingestion
    Then its orders land in a bronze file of their own, which orders-silver picks up next to the live one
