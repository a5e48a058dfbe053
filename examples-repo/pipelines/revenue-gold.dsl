# Gold: daily revenue per customer country, built by finance from the retail team's silver data.
# Finance slices only see the finance data root, so retail silver arrives under shared/retail/ (see README).
@herd(finance)
Feature: Daily revenue
  Joins silver orders with silver customers to learn each order's country, then sums the paid and
  shipped orders per UTC day and country. Orders whose customer is unknown (not in the CRM export,
  or rejected by customers-silver) are kept under country ZZ, so no revenue is lost.

  @contract(daily_revenue)
  @source("file://shared/retail/silver/orders.ndjson", format=ndjson, contract=orders, id=orders)
  @source("file://shared/retail/silver/customers.ndjson", format=ndjson, contract=customers, id=customers)
  @step(JoinCustomers, id=join_customers, after=[orders, customers], customerSource=customers, unmatched=keep)
  @step(DailyRevenue, id=daily_revenue, statuses=[paid, shipped])
  @step(validate, id=validate_gold, contract=daily_revenue)
  @sink("file://gold/daily_revenue.ndjson", id=gold_daily_revenue)
  @sink("file://deadletter/revenue-gold.ndjson", id=rejected, deadLetter=true)
  @requires(cpu=500m, memory=512Mi)
  @schedule("30 3 * * *")
  @golden(golden/revenue-gold/build-daily-revenue)
  Scenario: Build daily revenue
    Given silver orders and silver customers shared by the retail herd
    When each order is joined to its customer and paid and shipped orders are summed per day and country
    Then gold holds one record per UTC day and country with order count, customer count and revenue in EUR
