#include "services/marketing/segment_rules.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::marketing {
namespace {

using validation::Child;
using validation::Element;

constexpr int kMaxValues = 50;
constexpr int kMaxAge = 150;

template <typename List>
bool CheckList(const List& list, const std::string& field, Violations* out) {
  return validation::CheckMaxEntries(list.size(), kMaxValues, field, out);
}

bool HasAnyCriterion(const v1::SegmentCriteria& c) {
  return !c.categories().empty() || !c.roles().empty() || !c.country_codes().empty() ||
         !c.regions().empty() || !c.industry_codes().empty() || !c.customer_classes().empty() ||
         c.has_age_band() || !c.custom_fields().empty();
}

template <typename Enum>
std::string AnyOf(const std::string& field, const google::protobuf::RepeatedField<int>& values,
                  const google::protobuf::EnumDescriptor* (*descriptor)()) {
  std::vector<std::string> terms;
  for (int value : values) {
    terms.push_back(absl::StrCat(field, " = ", descriptor()->FindValueByNumber(value)->name()));
  }
  return absl::StrCat("(", absl::StrJoin(terms, " OR "), ")");
}

std::string AnyOfText(const std::string& field,
                      const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::string> terms;
  for (const std::string& value : values)
    terms.push_back(absl::StrCat(field, " = \"", value, "\""));
  return absl::StrCat("(", absl::StrJoin(terms, " OR "), ")");
}

bool SameValue(const partners::v1::CustomFieldValue& a, const partners::v1::CustomFieldValue& b) {
  if (a.value_case() != b.value_case()) return false;
  switch (a.value_case()) {
    case partners::v1::CustomFieldValue::kStringValue:
      return a.string_value() == b.string_value();
    case partners::v1::CustomFieldValue::kNumberValue:
      return a.number_value() == b.number_value();
    case partners::v1::CustomFieldValue::kDateValue:
      return api::CompareDates(a.date_value(), b.date_value()) == 0;
    case partners::v1::CustomFieldValue::kBoolValue:
      return a.bool_value() == b.bool_value();
    default:
      return false;
  }
}

// SplitMix64: a fixed, portable mix, so a split never depends on the
// platform or the process (absl::Hash is seeded per process).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t SplitKey(int64_t seed, const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the name
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h ^ Mix(static_cast<uint64_t>(seed)));
}

}  // namespace

void ValidateSegment(const v1::Segment& segment, const std::string& path, Violations* out) {
  validation::CheckRequiredText(segment.display_name(), 200, Child(path, "display_name"), out);
  validation::CheckText(segment.description(), 2000, Child(path, "description"), out);
  const std::string at = Child(path, "criteria");
  const v1::SegmentCriteria& c = segment.criteria();
  if (!HasAnyCriterion(c)) {
    out->Add(at, "needs at least one criterion");
    return;
  }
  validation::CheckEnumList(c.categories(), kMaxValues, partners::v1::PartnerCategory_IsValid,
                            Child(at, "categories"), out);
  validation::CheckEnumList(c.roles(), kMaxValues, partners::v1::RoleType_IsValid,
                            Child(at, "roles"), out);
  // Codes go into the partners filter text: their forms keep out quotes.
  validation::CheckCodeList(c.country_codes(), kMaxValues, validation::IsIsoCountryCode,
                            validation::kCountryCodeForm, Child(at, "country_codes"), out);
  validation::CheckTextList(c.regions(), kMaxValues, 100, Child(at, "regions"), out);
  validation::CheckCodeList(c.industry_codes(), kMaxValues, validation::IsIndustryCode,
                            validation::kIndustryCodeForm, Child(at, "industry_codes"), out);
  validation::CheckEnumList(c.customer_classes(), kMaxValues, partners::v1::CustomerClass_IsValid,
                            Child(at, "customer_classes"), out);
  if (c.has_age_band()) {
    const std::string band = Child(at, "age_band");
    const v1::AgeBand& age = c.age_band();
    if (age.min_age() < 0 || age.min_age() > kMaxAge) {
      out->Add(Child(band, "min_age"), "must be from 0 to 150");
    }
    if (age.max_age() < 0 || age.max_age() > kMaxAge) {
      out->Add(Child(band, "max_age"), "must be from 0 to 150");
    } else if (age.max_age() != 0 && age.max_age() < age.min_age()) {
      out->Add(Child(band, "max_age"), "must not be below min_age");
    } else if (age.min_age() == 0 && age.max_age() == 0) {
      out->Add(band, "needs min_age or max_age");
    }
  }
  const std::string fields = Child(at, "custom_fields");
  if (CheckList(c.custom_fields(), fields, out)) {
    std::set<std::string> keys;
    for (int i = 0; i < c.custom_fields_size(); ++i) {
      const std::string e = Element(fields, i);
      const v1::CustomFieldCriterion& field = c.custom_fields(i);
      if (field.key().empty()) {
        out->Add(Child(e, "key"), "is required");
      } else if (field.key().size() > 64 || !validation::IsAsciiAlnumOr(field.key(), "_")) {
        out->Add(Child(e, "key"), "must be 1 to 64 letters, digits or '_'");
      } else if (!keys.insert(field.key()).second) {
        out->Add(Child(e, "key"), "is listed twice");
      }
      if (field.equals().value_case() == partners::v1::CustomFieldValue::VALUE_NOT_SET) {
        out->Add(Child(e, "equals"), "is required");
      } else if (field.equals().has_date_value() &&
                 !validation::IsValidDate(field.equals().date_value())) {
        out->Add(Child(e, "equals.date_value"), "must be a full, valid date");
      } else if (field.equals().has_string_value()) {
        validation::CheckText(field.equals().string_value(), 500, Child(e, "equals.string_value"),
                              out);
      }
    }
  }
}

std::string PartnersFilter(const v1::SegmentCriteria& c) {
  std::vector<std::string> terms;
  if (!c.categories().empty()) {
    terms.push_back(AnyOf<partners::v1::PartnerCategory>("category", c.categories(),
                                                         partners::v1::PartnerCategory_descriptor));
  }
  if (!c.roles().empty()) {
    terms.push_back(
        AnyOf<partners::v1::RoleType>("role", c.roles(), partners::v1::RoleType_descriptor));
  }
  if (!c.customer_classes().empty()) {
    terms.push_back(AnyOf<partners::v1::CustomerClass>("customer_class", c.customer_classes(),
                                                       partners::v1::CustomerClass_descriptor));
  }
  if (!c.country_codes().empty()) terms.push_back(AnyOfText("country_code", c.country_codes()));
  if (!c.industry_codes().empty()) terms.push_back(AnyOfText("industry_code", c.industry_codes()));
  return absl::StrJoin(terms, " AND ");
}

bool MatchesCriteria(const v1::SegmentCriteria& c, const partners::v1::Partner& partner,
                     const google::type::Date& today) {
  if (partner.state() != partners::v1::PARTNER_STATE_ACTIVE &&
      partner.state() != partners::v1::PARTNER_STATE_UNSPECIFIED) {
    return false;
  }
  auto listed = [](const google::protobuf::RepeatedField<int>& values, int value) {
    return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
  };
  if (!listed(c.categories(), partner.category())) return false;
  if (!c.roles().empty() || !c.customer_classes().empty()) {
    bool role = c.roles().empty(), customer_class = c.customer_classes().empty();
    for (const partners::v1::Role& r : partner.roles()) {
      if (!role && listed(c.roles(), r.type())) role = true;
      if (!customer_class && r.type() == partners::v1::ROLE_TYPE_CUSTOMER &&
          listed(c.customer_classes(), r.customer().customer_class())) {
        customer_class = true;
      }
    }
    if (!role || !customer_class) return false;
  }
  if (!c.country_codes().empty() || !c.regions().empty()) {
    bool country = c.country_codes().empty(), region = c.regions().empty();
    for (const partners::v1::Address& address : partner.addresses()) {
      for (const std::string& code : c.country_codes()) {
        if (address.country_code() == code) country = true;
      }
      for (const std::string& name : c.regions()) {
        if (absl::EqualsIgnoreCase(address.region(), name)) region = true;
      }
    }
    if (!country || !region) return false;
  }
  if (!c.industry_codes().empty()) {
    if (!partner.has_organization()) return false;
    const std::string& code = partner.organization().industry_code();
    if (std::find(c.industry_codes().begin(), c.industry_codes().end(), code) ==
        c.industry_codes().end()) {
      return false;
    }
  }
  if (c.has_age_band()) {
    if (!partner.has_person() || !api::IsDateSet(partner.person().birth_date())) return false;
    const int age = AgeOn(partner.person().birth_date(), today);
    if (age < c.age_band().min_age()) return false;
    if (c.age_band().max_age() != 0 && age > c.age_band().max_age()) return false;
  }
  for (const v1::CustomFieldCriterion& field : c.custom_fields()) {
    auto it = partner.custom_fields().find(field.key());
    if (it == partner.custom_fields().end() || !SameValue(it->second, field.equals())) {
      return false;
    }
  }
  return true;
}

int AgeOn(const google::type::Date& birth, const google::type::Date& today) {
  int age = today.year() - birth.year();
  if (today.month() < birth.month() ||
      (today.month() == birth.month() && today.day() < birth.day())) {
    --age;
  }
  return age;
}

namespace {

// The default entry of a list (`is_default`), else the first; null if empty.
template <typename List, typename Keep>
auto DefaultOf(const List& list, Keep keep) -> decltype(&*list.begin()) {
  decltype(&*list.begin()) first = nullptr;
  for (const auto& entry : list) {
    if (!keep(entry)) continue;
    if (entry.is_default()) return &entry;
    if (first == nullptr) first = &entry;
  }
  return first;
}

const partners::v1::Address* DefaultAddress(const partners::v1::Partner& partner) {
  return DefaultOf(partner.addresses(), [](const auto&) { return true; });
}

}  // namespace

std::string ContactAddress(const partners::v1::Partner& partner, v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL: {
      const auto* email = DefaultOf(partner.email_addresses(), [](const auto&) { return true; });
      return email == nullptr ? "" : email->address();
    }
    case v1::CHANNEL_PHONE: {
      const auto* phone = DefaultOf(partner.phone_numbers(), [](const auto& p) {
        return p.type() != partners::v1::PHONE_TYPE_FAX;
      });
      return phone == nullptr ? "" : phone->number();
    }
    case v1::CHANNEL_SMS: {
      const auto* mobile = DefaultOf(partner.phone_numbers(), [](const auto& p) {
        return p.type() == partners::v1::PHONE_TYPE_MOBILE;
      });
      return mobile == nullptr ? "" : mobile->number();
    }
    case v1::CHANNEL_MAIL: {
      const partners::v1::Address* address = DefaultAddress(partner);
      if (address == nullptr) return "";
      std::vector<std::string> parts(address->street_lines().begin(),
                                     address->street_lines().end());
      parts.push_back(absl::StrCat(address->postal_code(),
                                   address->postal_code().empty() ? "" : " ", address->city()));
      parts.push_back(address->country_code());
      return absl::StrJoin(parts, ", ");
    }
    default:
      return "";
  }
}

std::pair<std::string, std::string> CityAndCountry(const partners::v1::Partner& partner) {
  const partners::v1::Address* address = DefaultAddress(partner);
  if (address == nullptr) return {"", ""};
  return {address->city(), address->country_code()};
}

partners::v1::ContactChannel ContactChannelOf(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return partners::v1::CONTACT_CHANNEL_EMAIL;
    case v1::CHANNEL_PHONE:
      return partners::v1::CONTACT_CHANNEL_PHONE;
    case v1::CHANNEL_MAIL:
      return partners::v1::CONTACT_CHANNEL_MAIL;
    case v1::CHANNEL_SMS:
      return partners::v1::CONTACT_CHANNEL_SMS;
    default:
      return partners::v1::CONTACT_CHANNEL_UNSPECIFIED;
  }
}

std::vector<bool> SplitControlGroup(const std::vector<std::string>& partners, int share_percent,
                                    int64_t seed) {
  std::vector<bool> control(partners.size(), false);
  share_percent = std::clamp(share_percent, 0, 100);
  const size_t held_out = (partners.size() * static_cast<size_t>(share_percent) + 50) / 100;
  if (held_out == 0) return control;
  std::vector<std::pair<uint64_t, size_t>> keys;
  keys.reserve(partners.size());
  for (size_t i = 0; i < partners.size(); ++i) keys.push_back({SplitKey(seed, partners[i]), i});
  // Ties (equal keys) fall back to the name, so the order given never matters.
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : partners[a.second] < partners[b.second];
  });
  for (size_t i = 0; i < held_out; ++i) control[keys[i].second] = true;
  return control;
}

}  // namespace crm::marketing
