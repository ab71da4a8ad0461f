#include "common/validation/formats.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/testing/sample_values.h"

namespace crm::validation {
namespace {

using crm::testing::kValidIbans;
using crm::testing::MakeDate;

TEST_CASE("IsValidDate knows the calendar") {
  CHECK(IsValidDate(MakeDate(2024, 2, 29)));
  CHECK(IsValidDate(MakeDate(2000, 2, 29)));  // divisible by 400
  CHECK_FALSE(IsValidDate(MakeDate(1900, 2, 29)));  // divisible by 100
  CHECK_FALSE(IsValidDate(MakeDate(2023, 2, 29)));
  CHECK(IsValidDate(MakeDate(2023, 2, 28)));
  CHECK(IsValidDate(MakeDate(2023, 1, 31)));
  CHECK(IsValidDate(MakeDate(2023, 12, 31)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 4, 31)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 11, 31)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 13, 1)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 0, 1)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 1, 0)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 1, 32)));
  CHECK(IsValidDate(MakeDate(1, 1, 1)));
  CHECK(IsValidDate(MakeDate(9999, 12, 31)));
  CHECK_FALSE(IsValidDate(MakeDate(0, 1, 1)));
  CHECK_FALSE(IsValidDate(MakeDate(10000, 1, 1)));
  CHECK_FALSE(IsValidDate(MakeDate(2023, 5, -1)));
}

TEST_CASE("IsIsoCountryCode knows every officially assigned code") {
  int assigned = 0;
  for (char first = 'A'; first <= 'Z'; ++first) {
    for (char second = 'A'; second <= 'Z'; ++second) {
      if (IsIsoCountryCode(std::string{first, second})) ++assigned;
    }
  }
  CHECK(assigned == 249);
  for (const char* code : {"DE", "US", "GB", "FR", "CH", "AX", "SS", "BQ", "CW", "EH", "ZW"}) {
    CHECK(IsIsoCountryCode(code));
  }
  for (const char* code : {"de", "De", "XK", "UK", "EU", "AN", "YU", "D", "DEU", "", "D "}) {
    CHECK_FALSE(IsIsoCountryCode(code));
  }
}

TEST_CASE("IsValidEmail") {
  for (const std::string& good : std::vector<std::string>{
           "anna@example.com", "Anna.Schmidt@Example.COM", "a.b+tag@sub.example.co.uk",
           "o'neil@example.ie", "x@a-b.de", "user_1!#$%&*/=?^`{|}~-@example.org",
           "a@b.cd", "anna@123.example.com", std::string(64, 'a') + "@example.com"}) {
    INFO(good);
    CHECK(IsValidEmail(good));
  }
  const std::string label(63, 'd');
  const std::string domain_252 = label + "." + label + "." + label + "." + std::string(57, 'd') + ".de";
  CHECK(IsValidEmail("a@" + domain_252));         // 254 characters
  CHECK_FALSE(IsValidEmail("ab@" + domain_252));  // 255 characters
  for (const std::string& bad : std::vector<std::string>{
           "", "anna", "anna@", "@example.com", "anna@@example.com", "anna@b@example.com",
           "anna@example", "anna@.example.com", "anna@example.com.", "anna@example..com",
           "anna@-example.com", "anna@example-.com", "anna@example.c", "anna@example.c0m",
           "anna@exa_mple.com", "an na@example.com", "anna@exam ple.com", ".anna@example.com",
           "anna.@example.com", "an..na@example.com", "müller@example.com", "anna@exämple.de",
           "(anna)@example.com", "\"anna\"@example.com", std::string(65, 'a') + "@example.com",
           "anna@" + std::string(64, 'd') + ".com"}) {
    INFO(bad);
    CHECK_FALSE(IsValidEmail(bad));
  }
}

TEST_CASE("IsValidE164") {
  for (const char* good : {"+4930123456", "+12025550123", "+12345678", "+123456789012345"}) {
    INFO(good);
    CHECK(IsValidE164(good));
  }
  for (const char* bad : {"", "+", "+1234567", "+1234567890123456", "+04930123456", "4930123456",
                          "004930123456", "+49 30 123456", "+49-30-123456", "+49(30)123456",
                          "++4930123456", "+49301234a6"}) {
    INFO(bad);
    CHECK_FALSE(IsValidE164(bad));
  }
}

TEST_CASE("IsValidIban") {
  for (const std::string& good : kValidIbans) {
    INFO(good);
    CHECK(IsValidIban(good));
  }
  for (const char* bad : {
           "DE89370400440532013001",       // last digit changed
           "DE88370400440532013000",       // check digits changed
           "DE89370400440523013000",       // two digits swapped
           "GB82WEST12345698765433", "GB82WSET12345698765432",
           "FR1420041010050500013M02607",
           "DE8937040044053201300",        // 21 characters
           "DE893704004405320130000",      // 23 characters
           "FR142004101005050013M02606",   // 26 characters
           "US64SVBKUS6S3300958879",       // no IBANs in the US
           "XX89370400440532013000",
           "de89370400440532013000",       // not normalised
           "DE89 3704 0044 0532 0130 00",  // not normalised
           "DEAB370400440532013000",       // check digits not digits
           "DE89-370400440532013000", "", "DE89"}) {
    INFO(bad);
    CHECK_FALSE(IsValidIban(bad));
  }
}

TEST_CASE("IsValidBic") {
  for (const char* good : {"DEUTDEFF", "DEUTDEFF500", "COBADEFFXXX", "BNPAFRPP", "NWBKGB2L",
                           "RBKOXKPR"}) {
    INFO(good);
    CHECK(IsValidBic(good));
  }
  for (const char* bad : {"", "DEUTDEF", "DEUTDEFF5", "DEUTDEFF50", "DEUTDEFF5000", "DEU1DEFF",
                          "DEUTXXFF", "DEUTUKFF", "deutdeff", "DEUTDEff", "DEUTDEFF50!",
                          "DEUT DEFF"}) {
    INFO(bad);
    CHECK_FALSE(IsValidBic(bad));
  }
}

}  // namespace
}  // namespace crm::validation
