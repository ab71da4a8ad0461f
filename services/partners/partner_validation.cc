#include "services/partners/partner_validation.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"
#include "services/partners/custom_fields.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace crm::partners {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::RepeatedPtrField;
using validation::IbanProblem;

constexpr size_t kMaxNameChars = 100;
constexpr size_t kMaxLongNameChars = 200;
constexpr size_t kMaxLegalFormChars = 40;
constexpr size_t kMaxCodeChars = 20;
constexpr size_t kMaxRegionEntryChars = 50;
constexpr size_t kMaxSolutionChars = 100;
constexpr int kMaxAddresses = 20;
constexpr int kMaxEmailAddresses = 20;
constexpr int kMaxPhoneNumbers = 20;
constexpr int kMaxBankAccounts = 10;
constexpr int kMaxStreetLines = 3;
constexpr int kMaxChannelPartnerEntries = 50;
constexpr int kEarliestBirthYear = 1850;

using validation::CheckEnum;
using validation::CheckMaxEntries;
using validation::CheckRequiredEnum;
using validation::CheckRequiredText;
using validation::CheckText;
using validation::Child;
using validation::Element;

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
  if (!validation::IsValidDate(date)) {
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

void CheckCountryCode(absl::string_view code, const std::string& field, Violations* out) {
  if (code.empty()) {
    out->Add(field, "is required");
  } else if (!validation::IsIsoCountryCode(code)) {
    out->Add(field, "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
  }
}

// ---------------------------------------------------------------------------
// IBAN.

void CheckIban(absl::string_view iban, const std::string& field, Violations* out) {
  const std::string country(iban.substr(0, 2));
  switch (validation::FindIbanProblem(iban)) {
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
                                   validation::IbanLength(country), " characters, this one has ",
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

void ValidateOrganization(const v1::Organization& organization, const std::string& path,
                          absl::CivilDay today, Violations* out) {
  CheckRequiredText(organization.legal_name(), kMaxLongNameChars, Child(path, "legal_name"), out);
  CheckText(organization.legal_form(), kMaxLegalFormChars, Child(path, "legal_form"), out);
  CheckPastDate(organization.has_founding_date(), organization.founding_date(), 1, today,
                Child(path, "founding_date"), out);
  const std::string industry_code = Child(path, "industry_code");
  if (CheckText(organization.industry_code(), kMaxCodeChars, industry_code, out) &&
      !validation::IsAsciiAlnumOr(organization.industry_code(), ".-")) {
    out->Add(industry_code, "may contain only letters, digits, dots and dashes");
  }
  if (organization.employee_count() < 0 || organization.employee_count() > 10'000'000) {
    out->Add(Child(path, "employee_count"), "must be from 0 to 10,000,000");
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

void ValidateAddress(const v1::Address& address, const std::string& path, Violations* out) {
  CheckRequiredEnum(address.type(), v1::AddressType_IsValid, Child(path, "type"), out);
  const std::string street_lines = Child(path, "street_lines");
  CheckMaxEntries(address.street_lines_size(), kMaxStreetLines, street_lines, out);
  for (int i = 0; i < address.street_lines_size(); ++i) {
    CheckText(address.street_lines(i), kMaxNameChars, Element(street_lines, i), out);
  }
  const std::string postal_code = Child(path, "postal_code");
  if (CheckText(address.postal_code(), kMaxCodeChars, postal_code, out) &&
      !validation::IsAsciiAlnumOr(address.postal_code(), " -")) {
    out->Add(postal_code, "may contain only letters, digits, spaces and dashes");
  }
  CheckRequiredText(address.city(), kMaxNameChars, Child(path, "city"), out);
  CheckText(address.region(), kMaxNameChars, Child(path, "region"), out);
  CheckCountryCode(address.country_code(), Child(path, "country_code"), out);
}

void ValidateEmailAddress(const v1::EmailAddress& email, const std::string& path,
                          Violations* out) {
  const std::string address = Child(path, "address");
  if (CheckRequiredText(email.address(), validation::kMaxEmailChars, address, out) &&
      !validation::IsValidEmail(email.address())) {
    out->Add(address, "is not a valid e-mail address");
  }
  CheckEnum(email.usage(), v1::ContactUsage_IsValid, Child(path, "usage"), out);
}

void ValidatePhoneNumber(const v1::PhoneNumber& phone, const std::string& path,
                         Violations* out) {
  const std::string number = Child(path, "number");
  if (phone.number().empty()) {
    out->Add(number, "is required");
  } else if (!validation::IsValidE164(phone.number())) {
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
  if (!account.bic().empty() && !validation::IsValidBic(account.bic())) {
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
    // Map keys must not be edited through reflection; custom field values
    // are trimmed by NormalizeCustomValues.
    if (field->is_map()) continue;
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
  NormalizeCustomValues(partner);
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
    partner->clear_state();
    partner->clear_merged_into();
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

}  // namespace crm::partners
