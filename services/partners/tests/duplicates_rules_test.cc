// The pure rules behind duplicate detection and search, without a database:
// names folded for comparison (case, accents, punctuation, other scripts
// kept), Jaro-Winkler similarity against the classic published values,
// comparable names (word order, legal forms), the noisy-OR duplicate score
// with its reasons strongest first, the FTS query that finds duplicate
// candidates, and the FTS query a user's search text becomes (words AND-ed,
// prefix on the last, quotes escaped, phone numbers, bad text refused with
// the field named).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "services/partners/duplicates.h"
#include "services/partners/search_index.h"

namespace crm::partners {
namespace {

using Catch::Matchers::WithinAbs;
using Reasons = std::vector<v1::DuplicateReason>;

// ---------------------------------------------------------------------------
// Partners as the rules see them.

v1::Partner Person(const std::string& given_name, const std::string& family_name,
                   const std::string& city = "") {
  v1::Partner partner;
  partner.set_category(v1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_given_name(given_name);
  partner.mutable_person()->set_family_name(family_name);
  if (!city.empty()) partner.add_addresses()->set_city(city);
  return partner;
}

v1::Partner Organization(const std::string& legal_name, const std::string& city = "") {
  v1::Partner partner;
  partner.set_category(v1::PARTNER_CATEGORY_ORGANIZATION);
  partner.mutable_organization()->set_legal_name(legal_name);
  if (!city.empty()) partner.add_addresses()->set_city(city);
  return partner;
}

v1::Partner Group(const std::string& group_name) {
  v1::Partner partner;
  partner.set_category(v1::PARTNER_CATEGORY_GROUP);
  partner.mutable_group()->set_group_name(group_name);
  return partner;
}

v1::Partner WithEmail(v1::Partner partner, const std::string& address) {
  partner.add_email_addresses()->set_address(address);
  return partner;
}

v1::Partner WithPhone(v1::Partner partner, const std::string& number) {
  partner.add_phone_numbers()->set_number(number);
  return partner;
}

v1::Partner WithIban(v1::Partner partner, const std::string& iban) {
  partner.add_bank_accounts()->set_iban(iban);
  return partner;
}

v1::Partner WithBirthDate(v1::Partner partner, int year, int month, int day) {
  auto* date = partner.mutable_person()->mutable_birth_date();
  date->set_year(year);
  date->set_month(month);
  date->set_day(day);
  return partner;
}

Reasons ReasonsOf(const v1::DuplicateCandidate& candidate) {
  Reasons reasons;
  for (int reason : candidate.reasons()) reasons.push_back(v1::DuplicateReason(reason));
  return reasons;
}

bool HasReason(const v1::DuplicateCandidate& candidate, v1::DuplicateReason reason) {
  for (int r : candidate.reasons()) {
    if (r == reason) return true;
  }
  return false;
}

// The weight of a name as the header describes it: 0.6 × similarity⁴.
double NameWeight(double similarity) {
  return 0.6 * similarity * similarity * similarity * similarity;
}

// The field named by an INVALID_ARGUMENT status, or "" if none.
std::string ViolationField(const absl::Status& status) {
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  return violations.size() == 1 ? violations[0].field : "";
}

}  // namespace

// ---------------------------------------------------------------------------
// FoldForComparison

TEST_CASE("FoldForComparison lowers case and removes Latin accents", "[duplicates][fold]") {
  CHECK(FoldForComparison("SCHMIDT") == "schmidt");
  CHECK(FoldForComparison("Müller") == "muller");
  CHECK(FoldForComparison("MÜLLER") == "muller");
  CHECK(FoldForComparison("Straße") == "strasse");
  CHECK(FoldForComparison("Œuvre") == "oeuvre");
  CHECK(FoldForComparison("œuvre") == "oeuvre");
  CHECK(FoldForComparison("Ærø") == "aero");
  CHECK(FoldForComparison("François Hôtel Ñandú") == "francois hotel nandu");
  CHECK(FoldForComparison("Łódź Dvořák Şahin") == "lodz dvorak sahin");
  CHECK(FoldForComparison("Þór") == "thor");
  CHECK(FoldForComparison("Anna2000") == "anna2000");
}

TEST_CASE("FoldForComparison turns punctuation into single spaces and trims",
          "[duplicates][fold]") {
  CHECK(FoldForComparison("  O'Brien -- & Söhne!!  ") == "o brien sohne");
  CHECK(FoldForComparison("anna.schmidt@example.com") == "anna schmidt example com");
  CHECK(FoldForComparison("a\t\tb") == "a b");
  // Latin-1 punctuation and symbols (guillemets, ×, ÷) are separators too.
  CHECK(FoldForComparison("«Alvis»×2÷3") == "alvis 2 3");
  CHECK(FoldForComparison("...") == "");
  CHECK(FoldForComparison("") == "");
}

TEST_CASE("FoldForComparison keeps other scripts as they are", "[duplicates][fold]") {
  CHECK(FoldForComparison("Иван Петров") == "Иван Петров");
  CHECK(FoldForComparison("東京 株式会社") == "東京 株式会社");
  CHECK(FoldForComparison("Σοφία, Müller") == "Σοφία muller");
}

TEST_CASE("FoldForComparison of invalid UTF-8 is empty", "[duplicates][fold]") {
  CHECK(FoldForComparison("M\xFCller") == "");
}

// ---------------------------------------------------------------------------
// JaroWinkler

TEST_CASE("JaroWinkler matches the classic published values", "[duplicates][jaro]") {
  CHECK(JaroWinkler("anna", "anna") == 1.0);
  CHECK(JaroWinkler("", "") == 1.0);
  CHECK(JaroWinkler("", "anna") == 0.0);
  CHECK(JaroWinkler("anna", "") == 0.0);
  CHECK(JaroWinkler("abc", "xyz") == 0.0);
  CHECK_THAT(JaroWinkler("MARTHA", "MARHTA"), WithinAbs(0.961, 0.001));
  CHECK_THAT(JaroWinkler("DWAYNE", "DUANE"), WithinAbs(0.84, 0.001));
  CHECK_THAT(JaroWinkler("DIXON", "DICKSONX"), WithinAbs(0.813, 0.001));
}

TEST_CASE("JaroWinkler is symmetric and stays within 0 and 1", "[duplicates][jaro]") {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"MARTHA", "MARHTA"}, {"DWAYNE", "DUANE"},   {"DIXON", "DICKSONX"},
      {"schmidt", "schmitt"}, {"anna", "hanna"}, {"a", "ab"},
      {"alvis", "alvis gmbh"}, {"x", "y"}};
  for (const auto& [a, b] : pairs) {
    INFO(a << " / " << b);
    CHECK(JaroWinkler(a, b) == JaroWinkler(b, a));
    CHECK(JaroWinkler(a, b) >= 0.0);
    CHECK(JaroWinkler(a, b) <= 1.0);
  }
  // The Winkler bonus: a shared start (up to four letters) raises the Jaro
  // similarity, so transposed letters near the end count less.
  CHECK(JaroWinkler("MARTHA", "MARHTA") > JaroWinkler("AMRTHA", "MARTHA"));
}

// ---------------------------------------------------------------------------
// ComparableName

TEST_CASE("ComparableName of a person ignores word order, case and accents",
          "[duplicates][name]") {
  CHECK(ComparableName(Person("Anna", "Schmidt")) == "anna schmidt");
  CHECK(ComparableName(Person("Schmidt", "Anna")) == "anna schmidt");
  CHECK(ComparableName(Person("Jürgen", "MÜLLER-Lüdenscheidt")) ==
        "jurgen ludenscheidt muller");
  CHECK(ComparableName(Person("", "Müller")) == "muller");
}

TEST_CASE("ComparableName of an organisation drops legal forms", "[duplicates][name]") {
  CHECK(ComparableName(Organization("Alvis GmbH")) == "alvis");
  CHECK(ComparableName(Organization("Alvis GmbH")) == ComparableName(Organization("alvis")));
  CHECK(ComparableName(Organization("ALVIS Inc.")) == "alvis");
  CHECK(ComparableName(Organization("Müller & Co. KG")) == "muller");
  CHECK(ComparableName(Organization("Bäckerei Schulz GmbH & Co. KG")) == "backerei schulz");
  CHECK(ComparableName(Organization("Acme Ltd")) == ComparableName(Organization("ACME LLC")));
}

TEST_CASE("ComparableName keeps legal-form words of persons and groups", "[duplicates][name]") {
  // Only organisations have legal forms; "Co" is a word of a group's name.
  CHECK(ComparableName(Group("Co Working Club")) == "club co working");
  CHECK(ComparableName(Person("Ag", "Smith")) == "ag smith");
}

// ---------------------------------------------------------------------------
// ScoreDuplicate

TEST_CASE("ScoreDuplicate: a shared e-mail alone weighs 0.8 plus the name's part",
          "[duplicates][score]") {
  const v1::Partner existing = WithEmail(Person("Anna", "Schmidt"), "anna@example.com");
  const v1::Partner draft = WithEmail(Person("Hans", "Meier"), "ANNA@Example.com");
  const v1::DuplicateCandidate candidate = ScoreDuplicate(draft, existing);

  const double name = JaroWinkler("hans meier", "anna schmidt");
  REQUIRE(name < 0.85);
  CHECK_THAT(candidate.name_similarity(), WithinAbs(name, 1e-12));
  CHECK(ReasonsOf(candidate) == Reasons{v1::DUPLICATE_REASON_SAME_EMAIL});
  CHECK_THAT(candidate.score(), WithinAbs(1.0 - 0.2 * (1.0 - NameWeight(name)), 1e-9));
  CHECK(candidate.score() >= 0.8);
  CHECK(candidate.score() < 0.9);
  // The candidate is the existing partner, as it was.
  CHECK(candidate.partner().SerializeAsString() == existing.SerializeAsString());
}

TEST_CASE("ScoreDuplicate: same name and city is 0.68, plus the e-mail 0.94",
          "[duplicates][score]") {
  const v1::Partner existing =
      WithEmail(Person("Anna", "Schmidt", "Berlin"), "anna@example.com");

  SECTION("same name and city") {
    const auto candidate = ScoreDuplicate(Person("Anna", "Schmidt", "Berlin"), existing);
    CHECK(candidate.name_similarity() == 1.0);
    CHECK_THAT(candidate.score(), WithinAbs(0.68, 1e-9));
    CHECK(ReasonsOf(candidate) ==
          Reasons{v1::DUPLICATE_REASON_SIMILAR_NAME, v1::DUPLICATE_REASON_SAME_CITY});
  }
  SECTION("same name and e-mail, no city") {
    const auto candidate =
        ScoreDuplicate(WithEmail(Person("Anna", "Schmidt"), "anna@example.com"), existing);
    // 1 - (1 - 0.8)(1 - 0.6) = 0.92
    CHECK_THAT(candidate.score(), WithinAbs(0.92, 1e-9));
    CHECK(ReasonsOf(candidate) ==
          Reasons{v1::DUPLICATE_REASON_SAME_EMAIL, v1::DUPLICATE_REASON_SIMILAR_NAME});
    CHECK(candidate.score() >= kVeryLikelyDuplicate);
  }
  SECTION("same name, city and e-mail") {
    const auto candidate = ScoreDuplicate(
        WithEmail(Person("Schmidt", "Anna", "BERLIN"), "anna@example.com"), existing);
    // 1 - 0.2 × 0.4 × 0.8 = 0.936
    CHECK_THAT(candidate.score(), WithinAbs(0.936, 1e-9));
    CHECK_THAT(candidate.score(), WithinAbs(0.94, 0.005));
    CHECK(ReasonsOf(candidate) == Reasons{v1::DUPLICATE_REASON_SAME_EMAIL,
                                          v1::DUPLICATE_REASON_SIMILAR_NAME,
                                          v1::DUPLICATE_REASON_SAME_CITY});
  }
  SECTION("same name only") {
    const auto candidate = ScoreDuplicate(Person("Anna", "Schmidt", "Hamburg"), existing);
    CHECK_THAT(candidate.score(), WithinAbs(0.6, 1e-9));
    CHECK(ReasonsOf(candidate) == Reasons{v1::DUPLICATE_REASON_SIMILAR_NAME});
    CHECK(candidate.score() < kVeryLikelyDuplicate);
  }
}

TEST_CASE("ScoreDuplicate: every piece of evidence, strongest first", "[duplicates][score]") {
  const auto full = [](v1::Partner p) {
    p = WithEmail(std::move(p), "anna@example.com");
    p = WithIban(std::move(p), "DE89370400440532013000");
    p = WithPhone(std::move(p), "+4930123456");
    return WithBirthDate(std::move(p), 1980, 2, 29);
  };
  const v1::Partner existing = full(Person("Anna", "Schmidt", "München"));
  v1::Partner draft = full(Person("Anna", "Schmidt", "munchen"));
  draft.mutable_phone_numbers(0)->set_number("+49 (30) 123-456");

  const v1::DuplicateCandidate candidate = ScoreDuplicate(draft, existing);
  CHECK(ReasonsOf(candidate) ==
        Reasons{v1::DUPLICATE_REASON_SAME_EMAIL, v1::DUPLICATE_REASON_SAME_BANK_ACCOUNT,
                v1::DUPLICATE_REASON_SAME_PHONE, v1::DUPLICATE_REASON_SIMILAR_NAME,
                v1::DUPLICATE_REASON_SAME_BIRTH_DATE, v1::DUPLICATE_REASON_SAME_CITY});
  // Noisy-OR: 1 - 0.2 × 0.2 × 0.3 × 0.4 × 0.5 × 0.8; high, but never 1.
  CHECK_THAT(candidate.score(), WithinAbs(1.0 - 0.2 * 0.2 * 0.3 * 0.4 * 0.5 * 0.8, 1e-9));
  CHECK(candidate.score() < 1.0);
}

TEST_CASE("ScoreDuplicate: phones compare by their digits", "[duplicates][score]") {
  const v1::Partner existing = WithPhone(Organization("Alvis GmbH"), "+4930123456");
  const auto candidate =
      ScoreDuplicate(WithPhone(Organization("Zebra AG"), "+49 30 123456"), existing);
  REQUIRE_FALSE(candidate.reasons().empty());
  CHECK(candidate.reasons(0) == v1::DUPLICATE_REASON_SAME_PHONE);
  CHECK_FALSE(HasReason(candidate, v1::DUPLICATE_REASON_SIMILAR_NAME));
  CHECK_THAT(candidate.score(), WithinAbs(0.7, 1e-9));  // the names have nothing in common

  const auto other =
      ScoreDuplicate(WithPhone(Organization("Zebra AG"), "+4930123457"), existing);
  CHECK_FALSE(HasReason(other, v1::DUPLICATE_REASON_SAME_PHONE));
  CHECK(other.score() < 0.3);
}

TEST_CASE("ScoreDuplicate: the name is a reason only from 0.85 similarity",
          "[duplicates][score]") {
  SECTION("0.961: a reason") {
    const auto candidate = ScoreDuplicate(Organization("Martha"), Organization("Marhta"));
    CHECK_THAT(candidate.name_similarity(), WithinAbs(0.961, 0.001));
    CHECK(ReasonsOf(candidate) == Reasons{v1::DUPLICATE_REASON_SIMILAR_NAME});
    CHECK_THAT(candidate.score(), WithinAbs(NameWeight(candidate.name_similarity()), 1e-9));
  }
  SECTION("0.84: weighs in, but not a reason") {
    const auto candidate = ScoreDuplicate(Organization("Dwayne"), Organization("Duane"));
    CHECK_THAT(candidate.name_similarity(), WithinAbs(0.84, 0.001));
    CHECK(candidate.reasons().empty());
    CHECK_THAT(candidate.score(), WithinAbs(NameWeight(candidate.name_similarity()), 1e-9));
    CHECK(candidate.score() > 0.0);
  }
  SECTION("0.813 with the same city: the city is a reason, scaled by the name") {
    const auto candidate =
        ScoreDuplicate(Organization("Dixon", "Köln"), Organization("Dicksonx", "koln"));
    const double name = candidate.name_similarity();
    CHECK_THAT(name, WithinAbs(0.813, 0.001));
    CHECK(ReasonsOf(candidate) == Reasons{v1::DUPLICATE_REASON_SAME_CITY});
    CHECK_THAT(candidate.score(),
               WithinAbs(1.0 - (1.0 - NameWeight(name)) * (1.0 - 0.2 * name), 1e-9));
  }
  SECTION("legal forms do not make names differ") {
    const auto candidate = ScoreDuplicate(Organization("Alvis GmbH"), Organization("ALVIS"));
    CHECK(candidate.name_similarity() == 1.0);
    CHECK(ReasonsOf(candidate) == Reasons{v1::DUPLICATE_REASON_SIMILAR_NAME});
  }
}

TEST_CASE("ScoreDuplicate: birth dates count for persons born on the same day only",
          "[duplicates][score]") {
  const v1::Partner existing = WithBirthDate(Person("Anna", "Schmidt"), 1980, 2, 29);
  CHECK(HasReason(ScoreDuplicate(WithBirthDate(Person("Anna", "Schmidt"), 1980, 2, 29), existing),
                  v1::DUPLICATE_REASON_SAME_BIRTH_DATE));
  CHECK_FALSE(
      HasReason(ScoreDuplicate(WithBirthDate(Person("Anna", "Schmidt"), 1980, 3, 29), existing),
                v1::DUPLICATE_REASON_SAME_BIRTH_DATE));
  CHECK_FALSE(HasReason(ScoreDuplicate(Person("Anna", "Schmidt"), existing),
                        v1::DUPLICATE_REASON_SAME_BIRTH_DATE));
}

TEST_CASE("ScoreDuplicate: nothing in common scores little", "[duplicates][score]") {
  const auto candidate =
      ScoreDuplicate(WithEmail(Person("Hans", "Meier", "Köln"), "hans@example.com"),
                     WithEmail(Person("Anna", "Schmidt", "Berlin"), "anna@example.com"));
  CHECK(candidate.reasons().empty());
  CHECK(candidate.score() < kLikelyDuplicate);
}

// ---------------------------------------------------------------------------
// DuplicateCandidateQuery

TEST_CASE("DuplicateCandidateQuery searches by name prefixes, e-mails and phone digits",
          "[duplicates][query]") {
  v1::Partner draft = Person("Anna", "Schmidt");
  draft = WithEmail(std::move(draft), "Anna.Schmidt@Example.com");
  draft = WithPhone(std::move(draft), "+49 30 123456");
  const std::string query = DuplicateCandidateQuery(draft);
  INFO(query);
  // Every name word by its first four letters (so "Schmitt" finds
  // "Schmidt"), folded; the e-mail as a phrase of its folded words; the
  // phone by its digits; any of them is enough.
  CHECK(absl::StartsWith(query, "names : (\"anna\"* AND \"schm\"*)"));
  CHECK(absl::StrContains(query, " OR emails : \"anna schmidt example com\""));
  CHECK(absl::StrContains(query, " OR phones : \"4930123456\""));
  CHECK_FALSE(absl::StrContains(query, "schmidt\"*"));
}

TEST_CASE("DuplicateCandidateQuery folds and cuts name words", "[duplicates][query]") {
  CHECK(absl::StartsWith(DuplicateCandidateQuery(Organization("Alvis GmbH")),
                         "names : (\"alvi\"*)"));
  CHECK_FALSE(absl::StrContains(DuplicateCandidateQuery(Organization("Alvis GmbH")), "gmbh"));
  CHECK(absl::StartsWith(DuplicateCandidateQuery(Person("Jo", "Müller")),
                         "names : (\"jo\"* AND \"mull\"*)"));
  // Words of other scripts are not cut (a byte prefix could split a letter).
  CHECK(absl::StartsWith(DuplicateCandidateQuery(Person("", "Иванова")),
                         "names : (\"Иванова\"*)"));
  // Only the name when there is nothing else.
  CHECK_FALSE(absl::StrContains(DuplicateCandidateQuery(Person("Jo", "Müller")), "emails"));
  CHECK_FALSE(absl::StrContains(DuplicateCandidateQuery(Person("Jo", "Müller")), "phones"));
}

TEST_CASE("DuplicateCandidateQuery is empty with nothing to search by", "[duplicates][query]") {
  CHECK(DuplicateCandidateQuery(v1::Partner()) == "");
  CHECK(DuplicateCandidateQuery(Organization("GmbH")) == "");
  CHECK(DuplicateCandidateQuery(Person("", "...")) == "");
}

// ---------------------------------------------------------------------------
// SearchQueryFor

TEST_CASE("SearchQueryFor ANDs the words, the last one also as a prefix", "[search][query]") {
  CHECK(SearchQueryFor("schmidt", "query").value() == "\"schmidt\"*");
  CHECK(SearchQueryFor("  anna   schmidt ", "query").value() == "\"anna\" AND \"schmidt\"*");
  CHECK(SearchQueryFor("anna schm berlin", "query").value() ==
        "\"anna\" AND \"schm\" AND \"berlin\"*");
  // Words that are only punctuation are dropped; the rest kept as typed (the
  // tokenizer folds case and accents).
  CHECK(SearchQueryFor("Müller - Berlin", "query").value() == "\"Müller\" AND \"Berlin\"*");
}

TEST_CASE("SearchQueryFor escapes double quotes", "[search][query]") {
  CHECK(SearchQueryFor("say \"hi\"", "query").value() == "\"say\" AND \"\"\"hi\"\"\"*");
  CHECK(SearchQueryFor("a\"b", "query").value() == "\"a\"\"b\"*");
  // FTS syntax in the text stays text.
  CHECK(SearchQueryFor("NOT x OR y*", "query").value() ==
        "\"NOT\" AND \"x\" AND \"OR\" AND \"y*\"*");
}

TEST_CASE("SearchQueryFor searches phone-like text as phone digits", "[search][query]") {
  SECTION("international") {
    const std::string query = SearchQueryFor("+49 30 123456", "query").value();
    CHECK(absl::StartsWith(query, "phones : \"4930123456\""));
    CHECK(query == "phones : \"4930123456\" OR (\"49\" \"30\" \"123456\")");
  }
  SECTION("national, the trunk zero dropped") {
    const std::string query = SearchQueryFor("030 123456", "query").value();
    CHECK(query == "phones : \"30123456\" OR (\"030\" \"123456\")");
  }
  SECTION("international with 00") {
    CHECK(absl::StartsWith(SearchQueryFor("0049 (30) 123-456", "query").value(),
                           "phones : \"4930123456\" OR "));
  }
  SECTION("a number among words also matches phones") {
    CHECK(SearchQueryFor("schmidt 030123456", "query").value() ==
          "\"schmidt\" AND (\"030123456\"* OR phones : \"30123456\")");
    CHECK(SearchQueryFor("123456", "query").value() ==
          "phones : \"123456\" OR (\"123456\")");
  }
  SECTION("too few digits is not a phone") {
    CHECK(SearchQueryFor("1234", "query").value() == "\"1234\"*");
    CHECK(SearchQueryFor("0001234", "query").value() == "\"0001234\"*");
  }
}

TEST_CASE("SearchQueryFor refuses text it cannot search, naming the field", "[search][query]") {
  const auto refused = [](const std::string& text, const std::string& field) {
    const absl::StatusOr<std::string> query = SearchQueryFor(text, field);
    INFO("text: " << text);
    REQUIRE_FALSE(query.ok());
    CHECK(query.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(ViolationField(query.status()) == field);
  };
  refused("", "query");
  refused("   ", "q");
  refused("!!! ... ???", "query");
  refused("- + ( )", "search.text");
  refused(std::string(201, 'a'), "query");
  refused("one two three four five six seven eight nine ten eleven", "query");
  refused("anna\x01schmidt", "query");
  refused("M\xFCller", "query");

  // The limits themselves are fine; characters are counted, not bytes.
  CHECK(SearchQueryFor(std::string(200, 'a'), "query").ok());
  std::string umlauts;
  for (int i = 0; i < 200; ++i) umlauts += "ä";
  CHECK(SearchQueryFor(umlauts, "query").ok());
  CHECK(SearchQueryFor("one two three four five six seven eight nine ten", "query").ok());
  // Punctuation-only words do not count towards the ten.
  CHECK(SearchQueryFor("one two three four five six seven eight nine ten - -", "query").ok());
}

}  // namespace crm::partners
