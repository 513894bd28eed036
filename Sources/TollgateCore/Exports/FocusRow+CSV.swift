extension FocusRow {
    /// The export's columns: the 57 FOCUS 1.2 Cost and Usage columns in alphabetical order,
    /// then Tollgate's own `x_` columns.
    public static let columns: [String] = focusColumns + customColumns

    /// The FOCUS 1.2 columns.
    public static let focusColumns: [String] = [
        "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType", "BillingCurrency",
        "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory",
        "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory",
        "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus",
        "CommitmentDiscountType", "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
        "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
        "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice",
        "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName",
        "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId",
        "SubAccountId", "SubAccountName", "SubAccountType", "Tags",
    ]

    /// Tollgate's columns (FOCUS requires the `x_` prefix and places them after its own).
    public static let customColumns: [String] = [
        "x_Org", "x_Team", "x_App", "x_Workflow", "x_Environment", "x_CostCenter", "x_Provider", "x_Route", "x_Model",
        "x_TokenType", "x_Tokens", "x_EntryCount", "x_PricingStatus", "x_Estimated", "x_Unpriced", "x_PriceVersion",
        "x_PriceSource", "x_BilledCostNanoUSD",
    ]

    /// The vendor behind a route or model: (service provider, service name, publisher, SKU prefix).
    var vendor: (provider: String, service: String, publisher: String, skuPrefix: String) {
        let anthropicRoute = route == "messages"
        let provider = anthropicRoute ? "Anthropic" : "OpenAI"
        let service = anthropicRoute ? "Claude API" : "OpenAI API"
        let lower = model.lowercased()
        let publisher: String
        if lower.hasPrefix("claude") {
            publisher = "Anthropic"
        } else if lower.hasPrefix("gemini") {
            publisher = "Google"
        } else if lower.hasPrefix("gpt") || lower.hasPrefix("o1") || lower.hasPrefix("o3") || lower.hasPrefix("o4")
            || lower.hasPrefix("text-embedding") || lower.hasPrefix("chatgpt")
        {
            publisher = "OpenAI"
        } else {
            publisher = provider
        }
        return (provider, service, publisher, publisher.lowercased())
    }

    /// `SkuId`: one per model, stable across price changes.
    public var skuID: String { "\(vendor.skuPrefix)/\(model)" }

    /// `SkuPriceId`: one per model × token type.
    public var skuPriceID: String { "\(skuID):\(tokenType.rawValue)" }

    /// `Tags`: the attribution as a flat JSON object (keys sorted, absent values omitted). The key's
    /// dimensions keep their names; what Tollgate adds is namespaced with its documented prefix `x_`:
    /// the customer as `x_customer`, each caller tag (`x-tollgate-tags`) as `x_tag/<name>`.
    public var tagsJSON: String {
        var pairs: [(String, String?)] = [
            ("app", app), ("cost_center", costCenter), ("environment", environment), ("org", org), ("team", team),
            ("workflow", workflow), (Self.customerTag, customer),
        ]
        for (name, value) in callerTags { pairs.append((Self.callerTagPrefix + name, value)) }
        let body = pairs.sorted { $0.0 < $1.0 }.compactMap { key, value in value.map { "\(JSONText.quote(key)):\(JSONText.quote($0))" } }
        return "{" + body.joined(separator: ",") + "}"
    }

    /// The `Tags` key of the customer.
    public static let customerTag = "x_customer"
    /// The prefix of the callers' tags in `Tags`.
    public static let callerTagPrefix = "x_tag/"

    /// A self-contained summary of the charge.
    public var chargeDescription: String {
        guard let price = listUnitPrice else {
            return "Unpriced usage: \(tokens) \(tokenType.meter.lowercased()) of \(model); the price catalog has no price for it, "
                + "so its cost is unknown (not zero) and is not included in any cost column"
        }
        var text = "\(tokens) \(tokenType.meter.lowercased()) of \(model) at \(price) USD per 1M tokens"
        if let priceVersion { text += " (price version \(priceVersion))" }
        if pricing == .estimated { text += "; usage estimated by Tollgate" }
        if priceSource == .derived { text += "; unit price derived from the ledger cost" }
        return text
    }

    /// The row's cells, in ``columns`` order; nil is an empty (null) cell.
    public var cells: [String?] {
        let periodStart = chargePeriodStart
        let billing = ExportPeriod.month(containing: periodStart)
        let v = vendor
        let priced = isPriced
        let subAccount = team ?? "unattributed"
        var row: [String: String] = [
            "BilledCost": billedCost, "BillingAccountId": provider, "BillingAccountName": provider, "BillingCurrency": "USD",
            "BillingPeriodEnd": Self.instant(billing.end), "BillingPeriodStart": Self.instant(billing.start),
            "ChargeCategory": chargeCategory, "ChargeDescription": chargeDescription, "ChargeFrequency": "Usage-Based",
            "ChargePeriodEnd": Self.instant(periodStart + 86_400), "ChargePeriodStart": Self.instant(periodStart),
            "ContractedCost": listCost, "EffectiveCost": billedCost, "InvoiceIssuerName": v.provider, "ListCost": listCost,
            "ProviderName": v.provider, "PublisherName": v.publisher, "ServiceCategory": "AI and Machine Learning",
            "ServiceName": v.service, "ServiceSubcategory": "Generative AI", "SkuId": skuID, "SkuMeter": tokenType.meter,
            "PricingCurrency": "USD", "PricingCurrencyEffectiveCost": billedCost, "SubAccountId": subAccount,
            "SubAccountName": subAccount, "SubAccountType": "Team", "Tags": tagsJSON,
            "x_Provider": provider, "x_Route": route, "x_Model": model, "x_TokenType": tokenType.rawValue, "x_Tokens": String(tokens),
            "x_EntryCount": String(entryCount), "x_PricingStatus": pricing.rawValue, "x_Estimated": pricing == .estimated ? "true" : "false",
            "x_Unpriced": priced ? "false" : "true", "x_PriceSource": priceSource.rawValue, "x_BilledCostNanoUSD": String(billedNanoUSD),
        ]
        if priced {
            row["ConsumedQuantity"] = String(tokens)
            row["ConsumedUnit"] = "Tokens"
            row["PricingQuantity"] = pricingQuantity
            row["PricingUnit"] = "1000000 Tokens"
            row["PricingCategory"] = "Standard"
            row["ListUnitPrice"] = listUnitPrice
            row["ContractedUnitPrice"] = listUnitPrice
            row["PricingCurrencyListUnitPrice"] = listUnitPrice
            row["PricingCurrencyContractedUnitPrice"] = listUnitPrice
            row["SkuPriceId"] = skuPriceID
            row["SkuPriceDetails"] = "{\"x_TokenType\":\(JSONText.quote(tokenType.rawValue))}"
        }
        for (column, value) in [
            ("x_Org", org), ("x_Team", team), ("x_App", app), ("x_Workflow", workflow), ("x_Environment", environment),
            ("x_CostCenter", costCenter), ("x_PriceVersion", priceVersion),
        ] {
            row[column] = value
        }
        for column in Self.decimalColumns {
            if let value = row[column], !value.contains(".") { row[column] = value + ".0" }
        }
        return Self.columns.map { row[$0] }
    }

    /// FOCUS Decimal columns. Their cells always carry a fractional part (`57110.0`, `0.0`), still
    /// exact, so that tools inferring column types from the text (the validator does) read decimals,
    /// not integers.
    static let decimalColumns: Set<String> = [
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ListUnitPrice", "ContractedUnitPrice", "PricingQuantity",
        "ConsumedQuantity", "PricingCurrencyListUnitPrice", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
    ]

    /// The row as one CSV line (RFC 4180 quoting, no line terminator).
    public var csvLine: String { Self.csvLine(cells) }

    /// The header line.
    public static var csvHeader: String { csvLine(columns) }

    /// Joins cells with commas (``CSVText/line(_:)``: quoted, formulas neutralised); nil cells are empty.
    public static func csvLine(_ cells: [String?]) -> String {
        CSVText.line(cells)
    }

    /// `YYYY-MM-DDTHH:mm:ssZ` for a unix second at a day boundary.
    static func instant(_ unixSeconds: Int64) -> String {
        CivilDate.format(unixSeconds: unixSeconds) + "T00:00:00Z"
    }
}
