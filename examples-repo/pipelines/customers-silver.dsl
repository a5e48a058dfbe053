# Silver layer for customers: the nightly CRM export, renamed, typed and pseudonymised.
@herd(retail)
Feature: Customers silver
  The CRM exports every customer to a CSV file each night. Its column names and text-only values
  do not match the customers contract, so this pipeline renames the columns, casts numbers and
  booleans, hashes the restricted fields (name and e-mail) and validates every customer before it
  reaches silver.

  @source("file://crm/customers.csv", format=csv, id=crm_customers)
  @step(rename, id=rename_columns, cust_id=customer_id, full_name=name, email_address=email, country_code=country)
  @step(cast, id=cast_types, loyalty_points=int, marketing_opt_in=bool)
  @step(mask, id=mask_pii, contract=customers, strategy=hash)
  @step(validate, id=validate_customers, contract=customers)
  @sink("file://silver/customers.ndjson", id=silver_customers)
  @sink("file://deadletter/customers-silver.ndjson", id=rejected, deadLetter=true)
  @requires(cpu=250m, memory=128Mi)
  @schedule("0 2 * * *")
  @golden(golden/customers-silver/load-crm-customers)
  Scenario: Load CRM customers
    Given the nightly CSV export of the CRM with its own column names
    When columns are renamed and typed and names and e-mail addresses are hashed
    Then valid customers land in silver and customers with a malformed country go to the dead-letter sink
