# Silver layer for web shop orders: one clean, pseudonymised record per order with its amount in EUR.
@herd(retail)
Feature: Orders silver
  Reads every bronze order file (live ingestion and backfills), converts amounts to EUR with the
  fixed rates table in steps/NormalizeCurrency.ts, replaces restricted fields (the e-mail address)
  with a SHA-256 pseudonym, keeps the first record of each order and checks the result against the
  silver orders contract. Finance reads the result for its revenue figures.

  @contract(orders)
  @source("file://bronze/orders/*.ndjson", format=ndjson, contract=orders_raw, id=bronze_orders)
  @step(NormalizeCurrency, id=normalize_currency, target="EUR", decimals=2)
  @step(mask, id=mask_pii, contract=orders, strategy=hash)
  @step(dedupe, id=dedupe_orders, key=order_id)
  @step(validate, id=validate_orders, contract=orders)
  @sink("file://silver/orders.ndjson", id=silver_orders)
  @sink("file://deadletter/orders-silver.ndjson", id=rejected, deadLetter=true)
  @requires(cpu=500m, memory=256Mi)
  @parallel(2, key=order_id)
  @schedule("10 * * * *")
  @golden(golden/orders-silver/clean-and-mask-orders)
  Scenario: Clean and mask orders
    Given bronze orders in EUR, USD, GBP and currencies without an exchange rate
    When amounts are converted to EUR, e-mail addresses are hashed and retried deliveries are removed
    Then each order appears once in silver and orders that cannot be converted or exceed the limit go to the dead-letter sink
