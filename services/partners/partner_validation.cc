#include "services/partners/partner_validation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace crm::partners {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::RepeatedPtrField;

constexpr size_t kMaxNameChars = 100;
constexpr size_t kMaxLongNameChars = 200;
constexpr size_t kMaxLegalFormChars = 40;
constexpr size_t kMaxCodeChars = 20;
constexpr size_t kMaxEmailChars = 254;
constexpr size_t kMaxRegionEntryChars = 50;
constexpr size_t kMaxSolutionChars = 100;
constexpr int kMaxAddresses = 20;
constexpr int kMaxEmailAddresses = 20;
constexpr int kMaxPhoneNumbers = 20;
constexpr int kMaxBankAccounts = 10;
constexpr int kMaxStreetLines = 3;
constexpr int kMaxChannelPartnerEntries = 50;
constexpr int kEarliestBirthYear = 1850;

// Officially assigned ISO 3166-1 alpha-2 codes (249). Every pair of adjacent
// letters in this string is one code, so a plain substring search suffices.
constexpr std::string_view kIsoCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU "
    "ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ "
    "LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA "
    "RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU "
    "WF WS "
    "YE YT "
    "ZA ZM ZW";

struct IbanFormat {
  std::string_view country;
  size_t length;
};

// IBAN lengths per country from the SWIFT IBAN registry (XK is Kosovo's
// user-assigned code, which the registry uses).
constexpr IbanFormat kIbanFormats[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
    {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
    {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
    {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
    {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
    {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
    {"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
    {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
    {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

// ---------------------------------------------------------------------------
// Field paths.

std::string Child(std::string_view parent, std::string_view field) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += field;
  return path;
}

std::string Element(std::string_view list, int index) {
  return absl::StrCat(absl::string_view(list.data(), list.size()), "[", index, "]");
}

// ---------------------------------------------------------------------------
// Characters.

bool IsUpperLetter(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperAlnum(char c) { return IsUpperLetter(c) || IsDigit(c); }
bool IsLetter(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }
bool IsLetterOrDigit(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

template <typename Predicate>
bool AllOf(std::string_view text, Predicate predicate) {
  return std::all_of(text.begin(), text.end(), predicate);
}

// A label of a domain name: letters, digits and inner hyphens, at most 63 characters.
bool IsDomainLabel(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         AllOf(label, [](char c) { return IsLetterOrDigit(c) || c == '-'; });
}

// Length of the UTF-8 sequence that `lead` starts; 0 if it cannot start one.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// The code points of `text`, or nothing if it is not valid UTF-8 (overlong
// forms, surrogates and values above U+10FFFF are invalid).
std::optional<std::u32string> DecodeUtf8(std::string_view text) {
  // By sequence length: the payload bits of the lead byte, and the smallest
  // code point needing that length (anything smaller is an overlong form).
  static constexpr unsigned char kLeadBits[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  std::u32string decoded;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = Utf8SequenceLength(lead);
    if (length == 0 || text.size() - i < length) return std::nullopt;
    char32_t code_point = lead & kLeadBits[length];
    for (size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if ((byte & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    decoded.push_back(code_point);
    i += length;
  }
  return decoded;
}

// C0 controls, DEL and C1 controls.
bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// ---------------------------------------------------------------------------
// Checks shared by many fields. Each adds its violation and returns whether
// the value passed, so that format checks run only on sound text.

bool CheckText(std::string_view text, size_t max_chars, const std::string& field,
               Violations* out) {
  const std::optional<std::u32string> chars = DecodeUtf8(text);
  if (!chars) {
    out->Add(field, "must be valid UTF-8");
    return false;
  }
  if (std::any_of(chars->begin(), chars->end(), IsControl)) {
    out->Add(field, "contains control characters");
    return false;
  }
  if (chars->size() > max_chars) {
    out->Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
    return false;
  }
  return true;
}

bool CheckRequiredText(std::string_view text, size_t max_chars, const std::string& field,
                       Violations* out) {
  if (text.empty()) {
    out->Add(field, "is required");
    return false;
  }
  return CheckText(text, max_chars, field, out);
}

// proto3 keeps enum numbers it does not know; `is_valid` is the generated
// <Enum>_IsValid.
bool CheckEnum(int value, bool (*is_valid)(int), const std::string& field, Violations* out) {
  if (is_valid(value)) return true;
  out->Add(field, absl::StrCat("unknown value ", value));
  return false;
}

void CheckRequiredEnum(int value, bool (*is_valid)(int), const std::string& field,
                       Violations* out) {
  if (CheckEnum(value, is_valid, field, out) && value == 0) out->Add(field, "is required");
}

void CheckMaxEntries(int size, int max_entries, const std::string& field, Violations* out) {
  if (size > max_entries) out->Add(field, absl::StrCat("must have at most ", max_entries, " entries"));
}

// A violation on every default after the first.
template <typename Item>
void CheckSingleDefault(const RepeatedPtrField<Item>& items, const std::string& list_path,
                        const char* what, Violations* out) {
  bool seen_default = false;
  for (int i = 0; i < items.size(); ++i) {
    if (!items[i].is_default()) continue;
    if (seen_default) {
      out->Add(Child(Element(list_path, i), "is_default"),
               absl::StrCat("only one ", what, " may be the default"));
    }
    seen_default = true;
  }
}

// A violation on every entry whose key (when not empty) an earlier entry has.
template <typename Item, typename KeyOf>
void CheckNoDuplicates(const RepeatedPtrField<Item>& items, KeyOf key_of,
                       const std::string& list_path, std::string_view key_field,
                       Violations* out) {
  std::map<std::string, int> first_with_key;
  for (int i = 0; i < items.size(); ++i) {
    const std::string key = key_of(items[i]);
    if (key.empty()) continue;
    const auto [first, inserted] = first_with_key.emplace(key, i);
    if (!inserted) {
      out->Add(Child(Element(list_path, i), key_field),
               "duplicates " + Child(Element(list_path, first->second), key_field));
    }
  }
}

bool IsZeroDate(const google::type::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

// An optional date in the past; a Date of all zeros counts as not set.
void CheckPastDate(bool has_date, const google::type::Date& date, int earliest_year,
                   absl::CivilDay today, const std::string& field, Violations* out) {
  if (!has_date || IsZeroDate(date)) return;
  if (!IsValidDate(date)) {
    out->Add(field, "must be a valid date with year, month and day");
    return;
  }
  if (absl::CivilDay(date.year(), date.month(), date.day()) > today) {
    out->Add(field, "must not be in the future");
  }
  if (date.year() < earliest_year) {
    out->Add(field, absl::StrCat("must not be before ", earliest_year));
  }
}

void CheckCountryCode(std::string_view code, const std::string& field, Violations* out) {
  if (code.empty()) {
    out->Add(field, "is required");
  } else if (!IsIsoCountryCode(code)) {
    out->Add(field, "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
  }
}

// ---------------------------------------------------------------------------
// IBAN.

enum class IbanProblem { kNone, kFormat, kUnknownCountry, kLength, kChecksum };

size_t IbanLength(std::string_view country) {
  for (const IbanFormat& format : kIbanFormats) {
    if (format.country == country) return format.length;
  }
  return 0;
}

// ISO 13616: the first four characters move to the end, letters count as
// 10..35, and the resulting number mod 97 must be 1.
int IbanMod97(std::string_view iban) {
  int remainder = 0;
  for (size_t i = 0; i < iban.size(); ++i) {
    const char c = iban[(i + 4) % iban.size()];
    const int value = IsDigit(c) ? c - '0' : c - 'A' + 10;
    remainder = (remainder * (value < 10 ? 10 : 100) + value) % 97;
  }
  return remainder;
}

IbanProblem FindIbanProblem(std::string_view iban) {
  if (iban.size() < 5 || !IsUpperLetter(iban[0]) || !IsUpperLetter(iban[1]) ||
      !IsDigit(iban[2]) || !IsDigit(iban[3]) || !AllOf(iban, IsUpperAlnum)) {
    return IbanProblem::kFormat;
  }
  const size_t length = IbanLength(iban.substr(0, 2));
  if (length == 0) return IbanProblem::kUnknownCountry;
  if (iban.size() != length) return IbanProblem::kLength;
  return IbanMod97(iban) == 1 ? IbanProblem::kNone : IbanProblem::kChecksum;
}

void CheckIban(std::string_view iban, const std::string& field, Violations* out) {
  const std::string country(iban.substr(0, 2));
  switch (FindIbanProblem(iban)) {
    case IbanProblem::kNone:
      return;
    case IbanProblem::kFormat:
      out->Add(field, "is not a valid IBAN: a country code, two check digits, then only "
                      "letters and digits");
      return;
    case IbanProblem::kUnknownCountry:
      out->Add(field, absl::StrCat("is not a valid IBAN: ", country, " has no IBANs"));
      return;
    case IbanProblem::kLength:
      out->Add(field, absl::StrCat("is not a valid IBAN: ", country, " IBANs have ",
                                   IbanLength(country), " characters, this one has ",
                                   iban.size()));
      return;
    case IbanProblem::kChecksum:
      out->Add(field, "IBAN checksum is wrong");
      return;
  }
}

// ---------------------------------------------------------------------------
// Parts of a partner.

struct CategoryDetails {
  v1::PartnerCategory category;
  v1::Partner::DetailsCase details;
  const char* field;
  const char* noun;
};

constexpr CategoryDetails kCategoryDetails[] = {
    {v1::PARTNER_CATEGORY_PERSON, v1::Partner::kPerson, "person", "a person"},
    {v1::PARTNER_CATEGORY_ORGANIZATION, v1::Partner::kOrganization, "organization",
     "an organization"},
    {v1::PARTNER_CATEGORY_GROUP, v1::Partner::kGroup, "group", "a group"},
};

const CategoryDetails* FindByCategory(int category) {
  for (const CategoryDetails& entry : kCategoryDetails) {
    if (entry.category == category) return &entry;
  }
  return nullptr;
}

const CategoryDetails* FindByDetails(v1::Partner::DetailsCase details) {
  for (const CategoryDetails& entry : kCategoryDetails) {
    if (entry.details == details) return &entry;
  }
  return nullptr;
}

void ValidatePerson(const v1::Person& person, const std::string& path, absl::CivilDay today,
                    Violations* out) {
  CheckRequiredText(person.family_name(), kMaxNameChars, Child(path, "family_name"), out);
  CheckText(person.given_name(), kMaxNameChars, Child(path, "given_name"), out);
  CheckPastDate(person.has_birth_date(), person.birth_date(), kEarliestBirthYear, today,
                Child(path, "birth_date"), out);
  CheckEnum(person.marital_status(), v1::MaritalStatus_IsValid, Child(path, "marital_status"),
            out);
}

bool IsIndustryCodeChar(char c) { return IsLetterOrDigit(c) || c == '.' || c == '-'; }

void ValidateOrganization(const v1::Organization& organization, const std::string& path,
                          absl::CivilDay today, Violations* out) {
  CheckRequiredText(organization.legal_name(), kMaxLongNameChars, Child(path, "legal_name"), out);
  CheckText(organization.legal_form(), kMaxLegalFormChars, Child(path, "legal_form"), out);
  CheckPastDate(organization.has_founding_date(), organization.founding_date(), 1, today,
                Child(path, "founding_date"), out);
  const std::string industry_code = Child(path, "industry_code");
  if (CheckText(organization.industry_code(), kMaxCodeChars, industry_code, out) &&
      !AllOf(organization.industry_code(), IsIndustryCodeChar)) {
    out->Add(industry_code, "may contain only letters, digits, dots and dashes");
  }
}

void ValidateGroup(const v1::Group& group, const std::string& path, Violations* out) {
  CheckRequiredText(group.group_name(), kMaxLongNameChars, Child(path, "group_name"), out);
  CheckRequiredEnum(group.group_type(), v1::GroupType_IsValid, Child(path, "group_type"), out);
}

// Exactly the details matching the category, each validated whatever the
// category says.
void ValidateDetails(const v1::Partner& partner, const std::string& prefix,
                     absl::CivilDay today, Violations* out) {
  const CategoryDetails* expected = FindByCategory(partner.category());
  const CategoryDetails* present = FindByDetails(partner.details_case());
  if (expected != nullptr && expected != present) {
    out->Add(Child(prefix, expected->field), absl::StrCat("is required for ", expected->noun));
  }
  if (expected != nullptr && present != nullptr && expected != present) {
    out->Add(Child(prefix, present->field),
             absl::StrCat("does not match category ",
                          v1::PartnerCategory_Name(partner.category())));
  }
  switch (partner.details_case()) {
    case v1::Partner::kPerson:
      ValidatePerson(partner.person(), Child(prefix, "person"), today, out);
      break;
    case v1::Partner::kOrganization:
      ValidateOrganization(partner.organization(), Child(prefix, "organization"), today, out);
      break;
    case v1::Partner::kGroup:
      ValidateGroup(partner.group(), Child(prefix, "group"), out);
      break;
    case v1::Partner::DETAILS_NOT_SET:
      break;
  }
}

bool IsPostalCodeChar(char c) { return IsLetterOrDigit(c) || c == ' ' || c == '-'; }

void ValidateAddress(const v1::Address& address, const std::string& path, Violations* out) {
  CheckRequiredEnum(address.type(), v1::AddressType_IsValid, Child(path, "type"), out);
  const std::string street_lines = Child(path, "street_lines");
  CheckMaxEntries(address.street_lines_size(), kMaxStreetLines, street_lines, out);
  for (int i = 0; i < address.street_lines_size(); ++i) {
    CheckText(address.street_lines(i), kMaxNameChars, Element(street_lines, i), out);
  }
  const std::string postal_code = Child(path, "postal_code");
  if (CheckText(address.postal_code(), kMaxCodeChars, postal_code, out) &&
      !AllOf(address.postal_code(), IsPostalCodeChar)) {
    out->Add(postal_code, "may contain only letters, digits, spaces and dashes");
  }
  CheckRequiredText(address.city(), kMaxNameChars, Child(path, "city"), out);
  CheckText(address.region(), kMaxNameChars, Child(path, "region"), out);
  CheckCountryCode(address.country_code(), Child(path, "country_code"), out);
}

void ValidateEmailAddress(const v1::EmailAddress& email, const std::string& path,
                          Violations* out) {
  const std::string address = Child(path, "address");
  if (CheckRequiredText(email.address(), kMaxEmailChars, address, out) &&
      !IsValidEmail(email.address())) {
    out->Add(address, "is not a valid e-mail address");
  }
  CheckEnum(email.usage(), v1::ContactUsage_IsValid, Child(path, "usage"), out);
}

void ValidatePhoneNumber(const v1::PhoneNumber& phone, const std::string& path,
                         Violations* out) {
  const std::string number = Child(path, "number");
  if (phone.number().empty()) {
    out->Add(number, "is required");
  } else if (!IsValidE164(phone.number())) {
    out->Add(number, "must be in E.164 form, \"+\" and 8 to 15 digits, e.g. \"+4930123456\"");
  }
  CheckEnum(phone.type(), v1::PhoneType_IsValid, Child(path, "type"), out);
  CheckEnum(phone.usage(), v1::ContactUsage_IsValid, Child(path, "usage"), out);
}

void ValidateBankAccount(const v1::BankAccount& account, const std::string& path,
                         Violations* out) {
  const std::string iban = Child(path, "iban");
  if (account.iban().empty()) {
    out->Add(iban, "is required");
  } else {
    CheckIban(account.iban(), iban, out);
  }
  if (!account.bic().empty() && !IsValidBic(account.bic())) {
    out->Add(Child(path, "bic"),
             "is not a valid BIC: 8 or 11 letters and digits such as \"DEUTDEFF\"");
  }
  CheckText(account.account_holder(), kMaxLongNameChars, Child(path, "account_holder"), out);
}

void ValidateCustomerData(const v1::CustomerRoleData& customer, const std::string& path,
                          Violations* out) {
  CheckText(customer.sales_organization(), kMaxCodeChars, Child(path, "sales_organization"), out);
  CheckText(customer.distribution_channel(), kMaxCodeChars, Child(path, "distribution_channel"),
            out);
  CheckText(customer.price_group(), kMaxCodeChars, Child(path, "price_group"), out);
  CheckEnum(customer.customer_class(), v1::CustomerClass_IsValid, Child(path, "customer_class"),
            out);
}

void CheckEntryList(const RepeatedPtrField<std::string>& entries, size_t max_chars,
                    const std::string& path, Violations* out) {
  CheckMaxEntries(entries.size(), kMaxChannelPartnerEntries, path, out);
  for (int i = 0; i < entries.size(); ++i) {
    if (entries[i].empty()) {
      out->Add(Element(path, i), "must not be empty");
    } else {
      CheckText(entries[i], max_chars, Element(path, i), out);
    }
  }
}

void ValidateChannelPartnerData(const v1::ChannelPartnerRoleData& data, const std::string& path,
                                Violations* out) {
  CheckEnum(data.tier(), v1::PartnerTier_IsValid, Child(path, "tier"), out);
  CheckEntryList(data.regions(), kMaxRegionEntryChars, Child(path, "regions"), out);
  CheckEntryList(data.industries(), kMaxCodeChars, Child(path, "industries"), out);
  CheckEntryList(data.solutions(), kMaxSolutionChars, Child(path, "solutions"), out);
}

// ---------------------------------------------------------------------------
// Normalisation.

std::string Trimmed(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

// Walks the message with reflection so that no string field is forgotten.
void TrimAllStrings(Message* message) {
  const Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          reflection->SetRepeatedString(message, field, i,
                                        Trimmed(reflection->GetRepeatedString(*message, field, i)));
        }
      } else {
        reflection->SetString(message, field, Trimmed(reflection->GetString(*message, field)));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          TrimAllStrings(reflection->MutableRepeatedMessage(message, field, i));
        }
      } else {
        TrimAllStrings(reflection->MutableMessage(message, field));
      }
    }
  }
}

void RemoveChars(std::string* text, std::string_view unwanted) {
  text->erase(std::remove_if(text->begin(), text->end(),
                             [&](char c) { return unwanted.find(c) != std::string_view::npos; }),
              text->end());
}

// The local part of an address may be case-sensitive; the domain never is.
void LowerCaseEmailDomain(std::string* address) {
  const size_t at = address->rfind('@');
  if (at == std::string::npos) return;
  std::transform(address->begin() + at + 1, address->end(), address->begin() + at + 1,
                 [](char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); });
}

}  // namespace

void NormalizePartner(v1::Partner* partner, bool clear_output_only) {
  TrimAllStrings(partner);
  for (v1::Address& address : *partner->mutable_addresses()) {
    absl::AsciiStrToUpper(address.mutable_country_code());
  }
  for (v1::EmailAddress& email : *partner->mutable_email_addresses()) {
    LowerCaseEmailDomain(email.mutable_address());
  }
  for (v1::PhoneNumber& phone : *partner->mutable_phone_numbers()) {
    RemoveChars(phone.mutable_number(), " -().");
  }
  for (v1::BankAccount& account : *partner->mutable_bank_accounts()) {
    RemoveChars(account.mutable_iban(), " ");
    absl::AsciiStrToUpper(account.mutable_iban());
    absl::AsciiStrToUpper(account.mutable_bic());
  }
  if (clear_output_only) {
    partner->clear_name();
    partner->clear_display_name();
    partner->clear_create_time();
    partner->clear_update_time();
    partner->clear_etag();
    for (v1::Role& role : *partner->mutable_roles()) role.clear_create_time();
  }
}

void ValidatePartner(const v1::Partner& partner, std::string_view prefix, absl::CivilDay today,
                     Violations* out) {
  const std::string root(prefix);
  CheckRequiredEnum(partner.category(), v1::PartnerCategory_IsValid, Child(root, "category"),
                    out);
  ValidateDetails(partner, root, today, out);

  const std::string addresses = Child(root, "addresses");
  CheckMaxEntries(partner.addresses_size(), kMaxAddresses, addresses, out);
  for (int i = 0; i < partner.addresses_size(); ++i) {
    ValidateAddress(partner.addresses(i), Element(addresses, i), out);
  }
  CheckSingleDefault(partner.addresses(), addresses, "address", out);

  const std::string emails = Child(root, "email_addresses");
  CheckMaxEntries(partner.email_addresses_size(), kMaxEmailAddresses, emails, out);
  for (int i = 0; i < partner.email_addresses_size(); ++i) {
    ValidateEmailAddress(partner.email_addresses(i), Element(emails, i), out);
  }
  CheckNoDuplicates(
      partner.email_addresses(),
      [](const v1::EmailAddress& email) { return absl::AsciiStrToLower(email.address()); },
      emails, "address", out);
  CheckSingleDefault(partner.email_addresses(), emails, "e-mail address", out);

  const std::string phones = Child(root, "phone_numbers");
  CheckMaxEntries(partner.phone_numbers_size(), kMaxPhoneNumbers, phones, out);
  for (int i = 0; i < partner.phone_numbers_size(); ++i) {
    ValidatePhoneNumber(partner.phone_numbers(i), Element(phones, i), out);
  }
  CheckNoDuplicates(
      partner.phone_numbers(), [](const v1::PhoneNumber& phone) { return phone.number(); },
      phones, "number", out);
  CheckSingleDefault(partner.phone_numbers(), phones, "phone number", out);

  const std::string accounts = Child(root, "bank_accounts");
  CheckMaxEntries(partner.bank_accounts_size(), kMaxBankAccounts, accounts, out);
  for (int i = 0; i < partner.bank_accounts_size(); ++i) {
    ValidateBankAccount(partner.bank_accounts(i), Element(accounts, i), out);
  }
  CheckNoDuplicates(
      partner.bank_accounts(), [](const v1::BankAccount& account) { return account.iban(); },
      accounts, "iban", out);

  const std::string roles = Child(root, "roles");
  std::set<int> role_types;
  for (int i = 0; i < partner.roles_size(); ++i) {
    const v1::Role& role = partner.roles(i);
    ValidateRole(role, Element(roles, i), out);
    const bool known_type = role.type() != 0 && v1::RoleType_IsValid(role.type());
    if (known_type && !role_types.insert(role.type()).second) {
      out->Add(Child(Element(roles, i), "type"),
               absl::StrCat("role ", v1::RoleType_Name(role.type()), " appears twice"));
    }
  }
}

void ValidateRole(const v1::Role& role, std::string_view prefix, Violations* out) {
  const std::string root(prefix);
  CheckRequiredEnum(role.type(), v1::RoleType_IsValid, Child(root, "type"), out);
  if (role.has_customer()) {
    const std::string customer = Child(root, "customer");
    if (role.type() != v1::ROLE_TYPE_CUSTOMER) {
      out->Add(customer, "is allowed only for role ROLE_TYPE_CUSTOMER");
    }
    ValidateCustomerData(role.customer(), customer, out);
  }
  if (role.has_channel_partner()) {
    const std::string channel_partner = Child(root, "channel_partner");
    if (role.type() != v1::ROLE_TYPE_CHANNEL_PARTNER) {
      out->Add(channel_partner, "is allowed only for role ROLE_TYPE_CHANNEL_PARTNER");
    }
    ValidateChannelPartnerData(role.channel_partner(), channel_partner, out);
  }
}

std::string DisplayName(const v1::Partner& partner) {
  switch (partner.details_case()) {
    case v1::Partner::kPerson:
      if (partner.person().given_name().empty()) return partner.person().family_name();
      return absl::StrCat(partner.person().family_name(), ", ", partner.person().given_name());
    case v1::Partner::kOrganization:
      return partner.organization().legal_name();
    case v1::Partner::kGroup:
      return partner.group().group_name();
    case v1::Partner::DETAILS_NOT_SET:
      break;
  }
  return "";
}

bool IsValidEmail(std::string_view address) {
  if (address.size() > kMaxEmailChars) return false;
  const size_t at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);

  constexpr std::string_view kLocalSymbols = "!#$%&'*+/=?^_`{|}~.-";
  const auto is_local_char = [&](char c) {
    return IsLetterOrDigit(c) || kLocalSymbols.find(c) != std::string_view::npos;
  };
  // Dots separate the atoms of the local part: none at either end, no two in a row.
  if (local.empty() || local.size() > 64 || !AllOf(local, is_local_char) ||
      local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }

  const size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  const std::string_view top_level_domain = domain.substr(last_dot + 1);
  if (top_level_domain.size() < 2 || !AllOf(top_level_domain, IsLetter)) return false;
  for (size_t start = 0;;) {
    const size_t dot = domain.find('.', start);
    if (!IsDomainLabel(domain.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsValidE164(std::string_view number) {
  return number.size() >= 9 && number.size() <= 16 && number[0] == '+' && number[1] != '0' &&
         AllOf(number.substr(1), IsDigit);
}

bool IsIsoCountryCode(std::string_view code) {
  return code.size() == 2 && AllOf(code, IsUpperLetter) &&
         kIsoCountryCodes.find(code) != std::string_view::npos;
}

bool IsValidIban(std::string_view iban) { return FindIbanProblem(iban) == IbanProblem::kNone; }

bool IsValidBic(std::string_view bic) {
  if (bic.size() != 8 && bic.size() != 11) return false;
  const std::string_view country = bic.substr(4, 2);
  // SWIFT gives Kosovo's banks the user-assigned code XK.
  return AllOf(bic.substr(0, 4), IsUpperLetter) &&
         (IsIsoCountryCode(country) || country == "XK") && AllOf(bic.substr(6), IsUpperAlnum);
}

bool IsValidDate(const google::type::Date& date) {
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int year = date.year();
  const int month = date.month();
  if (year < 1 || year > 9999 || month < 1 || month > 12) return false;
  const bool leap_year = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDaysInMonth[month - 1] + (month == 2 && leap_year ? 1 : 0);
  return date.day() >= 1 && date.day() <= days;
}

}  // namespace crm::partners
