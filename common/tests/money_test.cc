// Exact money arithmetic: conversion to and from Money, rounding to the
// currency's minor unit half away from zero, decimals sent as doubles, and
// the checks that name the bad field.
#include <catch2/catch.hpp>

#include "common/money/money.h"

namespace crm::money {
namespace {

type::v1::Money Eur(int64_t units, int32_t nanos) {
  type::v1::Money m;
  m.set_currency_code("EUR");
  m.set_units(units);
  m.set_nanos(nanos);
  return m;
}

TEST_CASE("Money converts to nanos and back exactly") {
  CHECK(ToNanos(Eur(12, 340'000'000)) == Nanos{12'340'000'000});
  CHECK(ToNanos(Eur(-1, -500'000'000)) == Nanos{-1'500'000'000});
  const auto back = FromNanos(Nanos{-1'500'000'000}, "EUR");
  REQUIRE(back.has_value());
  CHECK(back->units() == -1);
  CHECK(back->nanos() == -500'000'000);
  const Nanos too_big = static_cast<Nanos>(INT64_MAX) * kNanosPerUnit * 2;
  CHECK_FALSE(FromNanos(too_big, "EUR").has_value());
}

TEST_CASE("Rounding goes to the minor unit, half away from zero") {
  CHECK(RoundToMinorUnit(Nanos{1'005'000'000}, "EUR") == Nanos{1'010'000'000});
  CHECK(RoundToMinorUnit(Nanos{1'004'999'999}, "EUR") == Nanos{1'000'000'000});
  CHECK(RoundToMinorUnit(Nanos{-1'005'000'000}, "EUR") == Nanos{-1'010'000'000});
  CHECK(RoundToMinorUnit(Nanos{1'500'000'000}, "JPY") == Nanos{2'000'000'000});
  CHECK(RoundToMinorUnit(Nanos{1'000'500'000}, "KWD") == Nanos{1'001'000'000});
  CHECK(Format(Nanos{1'234'500'000'000}, "EUR") == "EUR 1234.50");
  CHECK(Format(Nanos{-5'000'000}, "EUR") == "EUR -0.01");
  CHECK(Format(Nanos{7'000'000'000}, "JPY") == "JPY 7");
}

TEST_CASE("Decimals sent as doubles keep their stated digits") {
  CHECK(ToScaled(0.1, 6) == Scaled{100'000});
  CHECK(ToScaled(19.5, 2) == Scaled{19'500'000});
  CHECK(ToScaled(100, 0) == Scaled{100'000'000});
  CHECK_FALSE(ToScaled(1.5, 0).has_value());
  CHECK_FALSE(ToScaled(0.1234567, 6).has_value());
  CHECK_FALSE(ToScaled(1e13, 6).has_value());
  CHECK_FALSE(ToScaled(std::nan(""), 6).has_value());
  CHECK(FromScaled(2'500'000) == 2.5);
}

TEST_CASE("Percentages and quantities scale amounts exactly") {
  const Nanos price = ToNanos(Eur(19, 990'000'000));
  CHECK(Multiply(price, *ToScaled(3, 0)) == Nanos{59'970'000'000});
  CHECK(Percent(price, *ToScaled(10, 0)) == Nanos{1'999'000'000});
  CHECK(Percent(Nanos{100}, *ToScaled(33.333333, 6)) == Nanos{33});
}

TEST_CASE("Bad money is named by its field") {
  Violations v;
  CHECK(CheckMoney(Eur(1, 0), "price", true, false, "", &v));
  CHECK(CheckMoney(type::v1::Money(), "price", false, false, "", &v));
  CHECK(v.empty());

  CHECK_FALSE(CheckMoney(type::v1::Money(), "price", true, false, "", &v));
  type::v1::Money lower = Eur(1, 0);
  lower.set_currency_code("eur");
  CHECK_FALSE(CheckMoney(lower, "a", true, false, "", &v));
  CHECK_FALSE(CheckMoney(Eur(1, -5), "b", true, true, "", &v));
  CHECK_FALSE(CheckMoney(Eur(0, 1'000'000'000), "c", true, true, "", &v));
  CHECK_FALSE(CheckMoney(Eur(-1, 0), "d", true, false, "", &v));
  CHECK_FALSE(CheckMoney(Eur(1, 0), "e", true, false, "USD", &v));
  REQUIRE(v.list().size() == 6);
  CHECK(v.list()[0].field == "price");
  CHECK(v.list()[1].field == "a.currency_code");
  CHECK(v.list()[2].field == "b.nanos");
  CHECK(v.list()[3].field == "c.nanos");
  CHECK(v.list()[4].field == "d");
  CHECK(v.list()[5].field == "e.currency_code");
}

TEST_CASE("Line amounts are rounded once, from the exact product") {
  // 4.9999995 × 0.001 = 0.0049999995: EUR 0.00, though rounding first to
  // nanos (0.005) and then to cents would give 0.01.
  CHECK(MultiplyToMinorUnit(ToNanos(Eur(4, 999'999'500)), 1'000, "EUR") == 0);
  CHECK(MultiplyToMinorUnit(ToNanos(Eur(2, 0)), 1'500'000, "EUR") == 3 * kNanosPerUnit);
  CHECK(MultiplyToMinorUnit(ToNanos(Eur(0, 5'000'000)), 1'000'000, "EUR") == 10'000'000);
  CHECK(MultiplyToMinorUnit(-ToNanos(Eur(0, 5'000'000)), 1'000'000, "EUR") == -10'000'000);
  CHECK(MultiplyToMinorUnit(333 * kNanosPerUnit, 1'500'000, "JPY") == 500 * kNanosPerUnit);
}

TEST_CASE("Client decimals are checked for digits and range") {
  Violations v;
  CHECK(CheckDecimal(10, 4, 0, true, 100 * kScale, "percent", &v) == 10 * kScale);
  CHECK(CheckDecimal(100, 4, 0, true, 100 * kScale, "percent", &v) == 100 * kScale);
  CHECK(CheckDecimal(0.125, 3, 0, true, kScale * 1000, "quantity", &v) == 125'000);
  CHECK(CheckDecimal(0, 4, 0, false, 100 * kScale, "rate", &v) == 0);
  CHECK(v.empty());

  CHECK_FALSE(CheckDecimal(0, 4, 0, true, 100 * kScale, "a", &v));
  CHECK_FALSE(CheckDecimal(100.5, 4, 0, true, 100 * kScale, "b", &v));
  CHECK_FALSE(CheckDecimal(0.0001, 3, 0, true, 100 * kScale, "c", &v));
  CHECK_FALSE(CheckDecimal(-1, 4, 0, false, 100 * kScale, "d", &v));
  REQUIRE(v.list().size() == 4);
  CHECK(v.list()[0].field == "a");
  CHECK(v.list()[0].description == "must be above 0 and at most 100");
  CHECK(v.list()[1].field == "b");
  CHECK(v.list()[2].field == "c");
  CHECK(v.list()[2].description == "must be a number above 0 and at most 100 with at most 3 decimals");
  CHECK(v.list()[3].description == "must be from 0 to 100");
}

}  // namespace
}  // namespace crm::money
