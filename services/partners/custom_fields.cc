#include "services/partners/custom_fields.h"

#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::partners {
namespace {

using validation::Child;
using validation::Element;

constexpr size_t kMaxDisplayNameChars = 100;
constexpr size_t kMaxDescriptionChars = 500;
constexpr size_t kMaxStringValueChars = 1000;
constexpr size_t kMaxAllowedValueChars = 100;
constexpr int kMaxAllowedValues = 100;

bool AppliesTo(const v1::CustomFieldDefinition& definition, v1::PartnerCategory category) {
  for (int c : definition.categories()) {
    if (c == category) return true;
  }
  return false;
}

// Which member of the value's oneof a type needs.
v1::CustomFieldValue::ValueCase ExpectedCase(v1::CustomFieldType type) {
  switch (type) {
    case v1::CUSTOM_FIELD_TYPE_STRING:
    case v1::CUSTOM_FIELD_TYPE_ENUMERATION:
      return v1::CustomFieldValue::kStringValue;
    case v1::CUSTOM_FIELD_TYPE_NUMBER:
      return v1::CustomFieldValue::kNumberValue;
    case v1::CUSTOM_FIELD_TYPE_DATE:
      return v1::CustomFieldValue::kDateValue;
    case v1::CUSTOM_FIELD_TYPE_BOOLEAN:
      return v1::CustomFieldValue::kBoolValue;
    default:
      return v1::CustomFieldValue::VALUE_NOT_SET;
  }
}

const char* MemberName(v1::CustomFieldValue::ValueCase value_case) {
  switch (value_case) {
    case v1::CustomFieldValue::kStringValue:
      return "string_value";
    case v1::CustomFieldValue::kNumberValue:
      return "number_value";
    case v1::CustomFieldValue::kDateValue:
      return "date_value";
    case v1::CustomFieldValue::kBoolValue:
      return "bool_value";
    default:
      return "nothing";
  }
}

void CheckValue(const v1::CustomFieldDefinition& definition, const v1::CustomFieldValue& value,
                const std::string& field, Violations* out) {
  const v1::CustomFieldValue::ValueCase expected = ExpectedCase(definition.type());
  if (value.value_case() != expected) {
    out->Add(field, absl::StrCat("must be a ", MemberName(expected), " (the field is ",
                                 v1::CustomFieldType_Name(definition.type()), "), not ",
                                 MemberName(value.value_case())));
    return;
  }
  switch (definition.type()) {
    case v1::CUSTOM_FIELD_TYPE_STRING:
      validation::CheckRequiredText(value.string_value(), kMaxStringValueChars, field, out);
      break;
    case v1::CUSTOM_FIELD_TYPE_ENUMERATION: {
      for (const std::string& allowed : definition.allowed_values()) {
        if (allowed == value.string_value()) return;
      }
      out->Add(field, absl::StrCat("\"", absl::CHexEscape(value.string_value()),
                                   "\" is not one of the allowed values"));
      break;
    }
    case v1::CUSTOM_FIELD_TYPE_NUMBER:
      if (!std::isfinite(value.number_value())) out->Add(field, "must be a finite number");
      break;
    case v1::CUSTOM_FIELD_TYPE_DATE:
      if (!validation::IsValidDate(value.date_value())) {
        out->Add(field, "must be a full, valid date");
      }
      break;
    default:
      break;
  }
}

}  // namespace

bool IsValidCustomFieldKey(absl::string_view key) {
  if (key.empty() || key.size() > 40 || !absl::ascii_islower(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (char c : key) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

void ValidateCustomFieldDefinition(const v1::CustomFieldDefinition& definition,
                                   absl::string_view prefix, Violations* out) {
  const std::string base(prefix);
  validation::CheckRequiredText(definition.display_name(), kMaxDisplayNameChars,
                                Child(base, "display_name"), out);
  validation::CheckText(definition.description(), kMaxDescriptionChars,
                        Child(base, "description"), out);
  validation::CheckRequiredEnum(definition.type(), v1::CustomFieldType_IsValid,
                                Child(base, "type"), out);
  const std::string categories = Child(base, "categories");
  if (definition.categories_size() == 0) out->Add(categories, "needs at least one category");
  std::set<int> seen_categories;
  for (int i = 0; i < definition.categories_size(); ++i) {
    const std::string field = Element(categories, i);
    if (validation::CheckRequiredEnum(definition.categories(i), v1::PartnerCategory_IsValid,
                                      field, out) &&
        !seen_categories.insert(definition.categories(i)).second) {
      out->Add(field, "is listed twice");
    }
  }
  const std::string allowed = Child(base, "allowed_values");
  if (definition.type() == v1::CUSTOM_FIELD_TYPE_ENUMERATION) {
    if (definition.allowed_values_size() == 0) {
      out->Add(allowed, "needs at least one value for an ENUMERATION field");
    }
    validation::CheckMaxEntries(definition.allowed_values_size(), kMaxAllowedValues, allowed, out);
    std::set<std::string> seen;
    for (int i = 0; i < definition.allowed_values_size(); ++i) {
      const std::string field = Element(allowed, i);
      if (validation::CheckRequiredText(definition.allowed_values(i), kMaxAllowedValueChars, field,
                                        out) &&
          !seen.insert(definition.allowed_values(i)).second) {
        out->Add(field, "is listed twice");
      }
    }
  } else if (definition.allowed_values_size() > 0) {
    out->Add(allowed, "is only for ENUMERATION fields");
  }
}

void NormalizeCustomFieldDefinition(v1::CustomFieldDefinition* definition) {
  auto trim = [](std::string* text) { *text = std::string(absl::StripAsciiWhitespace(*text)); };
  trim(definition->mutable_display_name());
  trim(definition->mutable_description());
  for (std::string& value : *definition->mutable_allowed_values()) trim(&value);
}

void NormalizeCustomValues(v1::Partner* partner) {
  for (auto& [key, value] : *partner->mutable_custom_fields()) {
    if (value.has_string_value()) {
      value.set_string_value(std::string(absl::StripAsciiWhitespace(value.string_value())));
    }
  }
}

void ValidateCustomValues(const v1::Partner& partner, const CustomFieldDefinitions& definitions,
                          absl::string_view prefix, Violations* out) {
  const std::string base = Child(std::string(prefix), "custom_fields");
  const std::string category = v1::PartnerCategory_Name(partner.category());
  // Sorted, so that violations come in a stable order.
  const std::map<std::string, v1::CustomFieldValue> values(partner.custom_fields().begin(),
                                                            partner.custom_fields().end());
  for (const auto& [key, value] : values) {
    const std::string field = Child(base, key);
    auto definition = definitions.find(key);
    if (definition == definitions.end()) {
      out->Add(field, "is not a defined custom field");
    } else if (!AppliesTo(definition->second, partner.category())) {
      out->Add(field, absl::StrCat("is not defined for ", category, " partners"));
    } else {
      CheckValue(definition->second, value, field, out);
    }
  }
  for (const auto& [key, definition] : definitions) {
    if (definition.required() && AppliesTo(definition, partner.category()) &&
        values.count(key) == 0) {
      out->Add(Child(base, key), absl::StrCat("is required for ", category, " partners"));
    }
  }
}

db::SqlValue StoredCustomValue(const v1::CustomFieldValue& value) {
  switch (value.value_case()) {
    case v1::CustomFieldValue::kStringValue:
      return value.string_value();
    case v1::CustomFieldValue::kNumberValue:
      return value.number_value();
    case v1::CustomFieldValue::kDateValue:
      return absl::StrFormat("%04d-%02d-%02d", value.date_value().year(),
                             value.date_value().month(), value.date_value().day());
    case v1::CustomFieldValue::kBoolValue:
      return int64_t{value.bool_value() ? 1 : 0};
    default:
      return std::monostate();
  }
}

bool IsSearchableText(const v1::CustomFieldValue& value) { return value.has_string_value(); }

}  // namespace crm::partners
