// Exact money arithmetic for crm.type.v1.Money and the decimal numbers that
// scale it (quantities, percentages). Amounts are computed in billionths of
// a unit in 128 bits, so no sum of line items can overflow or drift the way
// doubles do; rounding happens once, to the currency's minor unit, where a
// business document shows an amount.
#ifndef CRM_COMMON_MONEY_MONEY_H_
#define CRM_COMMON_MONEY_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/errors.h"
#include "crm/type/v1/money.pb.h"

namespace crm::money {

// Billionths of a currency unit.
using Nanos = __int128;

constexpr int64_t kNanosPerUnit = 1'000'000'000;

// Three upper-case ASCII letters, the form of an ISO 4217 code.
bool IsCurrencyCode(std::string_view code);

// Checks `money` (required or not) and adds violations naming `field`:
// currency code of three upper-case letters (also `expected_currency` when
// not empty), nanos in range and of the sign of units, not negative unless
// `allow_negative`.
bool CheckMoney(const type::v1::Money& money, const std::string& field, bool required,
                bool allow_negative, std::string_view expected_currency, Violations* out);

Nanos ToNanos(const type::v1::Money& money);
// nullopt when the amount exceeds what Money can hold.
std::optional<type::v1::Money> FromNanos(Nanos amount, std::string_view currency_code);

// Digits after the decimal point of the currency's minor unit (ISO 4217):
// 0 for JPY, KRW and a few others, 3 for BHD, KWD, OMR, JOD, TND, IQD, LYD,
// 2 for the rest.
int MinorUnitDigits(std::string_view currency_code);

// Rounds half away from zero to the currency's minor unit.
Nanos RoundToMinorUnit(Nanos amount, std::string_view currency_code);

// A decimal number with up to `kScaleDigits` digits after the point (a
// quantity or a percentage), as an integer of millionths.
using Scaled = int64_t;
constexpr int kScaleDigits = 6;
constexpr Scaled kScale = 1'000'000;

// Converts a double sent by a client (JSON numbers are doubles) into
// millionths; nullopt when it is not finite, out of ±1e12, or has more than
// `max_digits` (at most kScaleDigits) digits after the point.
std::optional<Scaled> ToScaled(double value, int max_digits);
double FromScaled(Scaled value);
// "12.5" for 12.5: no trailing zeros, for messages.
std::string FormatScaled(Scaled value);

// Checks a decimal sent by a client (a quantity, a percentage): at most
// `max_digits` digits after the point and from `min` (exclusive when
// `min_exclusive`) to `max`. Adds a violation naming `field` and returns
// nullopt otherwise.
std::optional<Scaled> CheckDecimal(double value, int max_digits, Scaled min, bool min_exclusive,
                                   Scaled max, const std::string& field, Violations* out);

// amount × factor, where factor is a Scaled (e.g. a quantity).
Nanos Multiply(Nanos amount, Scaled factor);
// amount × factor rounded once, half away from zero, to the currency's minor
// unit: a line amount from a unit price and a quantity.
Nanos MultiplyToMinorUnit(Nanos amount, Scaled factor, std::string_view currency_code);
// amount × percent / 100, where percent is a Scaled.
Nanos Percent(Nanos amount, Scaled percent);

// "EUR 1,234.50"-like text for messages: "EUR 1234.50".
std::string Format(Nanos amount, std::string_view currency_code);

}  // namespace crm::money

#endif  // CRM_COMMON_MONEY_MONEY_H_
