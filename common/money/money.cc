#include "common/money/money.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/field_checks.h"

namespace crm::money {
namespace {

using validation::Child;

// a / b rounded half away from zero (b > 0).
Nanos DivideRounded(Nanos a, Nanos b) {
  const Nanos half = b / 2;
  return a >= 0 ? (a + half) / b : -((-a + half) / b);
}

std::string ToDecimalString(Nanos value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-value)
                                         : static_cast<unsigned __int128>(value);
  std::string digits;
  while (magnitude > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  return negative ? "-" + digits : digits;
}

}  // namespace

bool IsCurrencyCode(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool CheckMoney(const type::v1::Money& money, const std::string& field, bool required,
                bool allow_negative, std::string_view expected_currency, Violations* out) {
  const bool empty = money.currency_code().empty() && money.units() == 0 && money.nanos() == 0;
  if (empty) {
    if (required) out->Add(field, "is required");
    return !required;
  }
  bool ok = true;
  if (!IsCurrencyCode(money.currency_code())) {
    out->Add(Child(field, "currency_code"),
             "must be an ISO 4217 code of three upper-case letters, e.g. \"EUR\"");
    ok = false;
  } else if (!expected_currency.empty() && money.currency_code() != expected_currency) {
    out->Add(Child(field, "currency_code"), absl::StrCat("must be ", std::string(expected_currency)));
    ok = false;
  }
  if (money.nanos() <= -kNanosPerUnit || money.nanos() >= kNanosPerUnit) {
    out->Add(Child(field, "nanos"), "must be between -999,999,999 and 999,999,999");
    ok = false;
  } else if ((money.units() > 0 && money.nanos() < 0) || (money.units() < 0 && money.nanos() > 0)) {
    out->Add(Child(field, "nanos"), "must have the sign of units");
    ok = false;
  } else if (!allow_negative && (money.units() < 0 || money.nanos() < 0)) {
    out->Add(field, "must not be negative");
    ok = false;
  }
  return ok;
}

Nanos ToNanos(const type::v1::Money& money) {
  return static_cast<Nanos>(money.units()) * kNanosPerUnit + money.nanos();
}

std::optional<type::v1::Money> FromNanos(Nanos amount, std::string_view currency_code) {
  const Nanos units = amount / kNanosPerUnit;
  if (units > std::numeric_limits<int64_t>::max() || units < std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  type::v1::Money money;
  money.set_currency_code(std::string(currency_code));
  money.set_units(static_cast<int64_t>(units));
  money.set_nanos(static_cast<int32_t>(amount % kNanosPerUnit));  // same sign as units
  return money;
}

int MinorUnitDigits(std::string_view code) {
  for (std::string_view zero : {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"}) {
    if (code == zero) return 0;
  }
  for (std::string_view three : {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}) {
    if (code == three) return 3;
  }
  return 2;
}

Nanos RoundToMinorUnit(Nanos amount, std::string_view currency_code) {
  Nanos step = 1;
  for (int i = MinorUnitDigits(currency_code); i < 9; ++i) step *= 10;
  return DivideRounded(amount, step) * step;
}

std::optional<Scaled> ToScaled(double value, int max_digits) {
  if (!std::isfinite(value) || std::fabs(value) > 1e12) return std::nullopt;
  const double scaled = value * static_cast<double>(kScale);
  const double rounded = std::round(scaled);
  // Doubles cannot hold most decimals exactly: 0.1 is 0.1000000000000000055…
  // A value counts as having `max_digits` digits when it is that close.
  if (std::fabs(scaled - rounded) > 1e-3 * std::max(1.0, std::fabs(value))) return std::nullopt;
  Scaled result = static_cast<Scaled>(rounded);
  Scaled unit = 1;
  for (int i = max_digits; i < kScaleDigits; ++i) unit *= 10;
  if (result % unit != 0) return std::nullopt;
  return result;
}

double FromScaled(Scaled value) { return static_cast<double>(value) / static_cast<double>(kScale); }

Nanos Multiply(Nanos amount, Scaled factor) { return DivideRounded(amount * factor, kScale); }

Nanos MultiplyToMinorUnit(Nanos amount, Scaled factor, std::string_view currency_code) {
  Nanos minor_unit = kNanosPerUnit;
  for (int i = 0; i < MinorUnitDigits(currency_code); ++i) minor_unit /= 10;
  return DivideRounded(amount * factor, static_cast<Nanos>(kScale) * minor_unit) * minor_unit;
}

Nanos Percent(Nanos amount, Scaled percent) {
  return DivideRounded(amount * percent, static_cast<Nanos>(kScale) * 100);
}

std::string Format(Nanos amount, std::string_view currency_code) {
  const int digits = MinorUnitDigits(currency_code);
  const Nanos rounded = RoundToMinorUnit(amount, currency_code);
  const bool negative = rounded < 0;
  const Nanos magnitude = negative ? -rounded : rounded;
  std::string text = ToDecimalString(magnitude / kNanosPerUnit);
  if (digits > 0) {
    Nanos fraction = magnitude % kNanosPerUnit;
    for (int i = digits; i < 9; ++i) fraction /= 10;
    std::string fraction_text = ToDecimalString(fraction);
    fraction_text.insert(0, static_cast<size_t>(digits) - fraction_text.size(), '0');
    absl::StrAppend(&text, ".", fraction_text);
  }
  return absl::StrCat(std::string(currency_code), " ", negative ? "-" : "", text);
}

std::string FormatScaled(Scaled value) {
  std::string text = absl::StrCat(value / kScale);
  Scaled fraction = value % kScale;
  if (fraction < 0) fraction = -fraction;
  if (value < 0 && value > -kScale) text = "-0";
  if (fraction != 0) {
    std::string digits = absl::StrFormat("%06d", static_cast<int>(fraction));
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    absl::StrAppend(&text, ".", digits);
  }
  return text;
}

std::optional<Scaled> CheckDecimal(double value, int max_digits, Scaled min, bool min_exclusive,
                                   Scaled max, const std::string& field, Violations* out) {
  const std::optional<Scaled> scaled = ToScaled(value, max_digits);
  const std::string range = absl::StrCat(min_exclusive ? "above " : "from ", FormatScaled(min),
                                         min_exclusive ? " and at most " : " to ", FormatScaled(max));
  if (!scaled) {
    out->Add(field, absl::StrCat("must be a number ", range, " with at most ", max_digits,
                                 " decimals"));
    return std::nullopt;
  }
  if (*scaled < min || (min_exclusive && *scaled == min) || *scaled > max) {
    out->Add(field, absl::StrCat("must be ", range));
    return std::nullopt;
  }
  return scaled;
}

}  // namespace crm::money
