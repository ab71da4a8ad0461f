#include "services/partners/merge.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include <google/protobuf/field_mask.pb.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/field_mask.h"
#include "common/errors.h"

namespace crm::partners {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const api::FieldMaskRules& ChoiceRules() {
  static const auto* rules = new api::FieldMaskRules{
      {"category"},
      {"name", "display_name", "create_time", "update_time", "etag", "state", "merged_into"}};
  return *rules;
}

// Messages of this API are filled field by field; others (dates,
// timestamps) only whole, so that no day of one date joins the year of
// another.
bool FillFieldByField(const google::protobuf::Descriptor* type) {
  return type->file()->package() == v1::Partner::descriptor()->file()->package();
}

void CopyScalar(const Message& from, const FieldDescriptor* f, Message* into) {
  const Reflection* source = from.GetReflection();
  const Reflection* target = into->GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      target->SetInt32(into, f, source->GetInt32(from, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      target->SetInt64(into, f, source->GetInt64(from, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      target->SetUInt32(into, f, source->GetUInt32(from, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      target->SetUInt64(into, f, source->GetUInt64(from, f));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      target->SetDouble(into, f, source->GetDouble(from, f));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      target->SetFloat(into, f, source->GetFloat(from, f));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      target->SetBool(into, f, source->GetBool(from, f));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      target->SetEnumValue(into, f, source->GetEnumValue(from, f));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      target->SetString(into, f, source->GetString(from, f));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;  // not a scalar
  }
}

// Sets every singular field `into` leaves empty to `from`'s value. Lists and
// maps have rules of their own.
void FillGaps(const Message& from, Message* into) {
  const Reflection* source = from.GetReflection();
  const Reflection* target = into->GetReflection();
  const google::protobuf::Descriptor* type = into->GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->is_repeated() || !source->HasField(from, f)) continue;
    if (const google::protobuf::OneofDescriptor* oneof = f->containing_oneof()) {
      const FieldDescriptor* chosen = target->GetOneofFieldDescriptor(*into, oneof);
      if (chosen != nullptr && chosen != f) continue;  // the survivor chose another
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!target->HasField(*into, f)) {
        target->MutableMessage(into, f)->CopyFrom(source->GetMessage(from, f));
      } else if (FillFieldByField(f->message_type())) {
        FillGaps(source->GetMessage(from, f), target->MutableMessage(into, f));
      }
    } else if (!target->HasField(*into, f)) {
      CopyScalar(from, f, into);
    }
  }
}

template <typename Item, typename = void>
struct HasDefaultFlag : std::false_type {};
template <typename Item>
struct HasDefaultFlag<Item, std::void_t<decltype(std::declval<Item&>().set_is_default(false))>>
    : std::true_type {};

// Appends the items of `from` whose key none of `into` has, as
// non-defaults: the survivor's default stays the default.
template <typename Item, typename KeyOf>
void Unite(const google::protobuf::RepeatedPtrField<Item>& from,
           google::protobuf::RepeatedPtrField<Item>* into, KeyOf key_of) {
  for (const Item& item : from) {
    const auto key = key_of(item);
    const bool present = std::any_of(into->begin(), into->end(),
                                      [&](const Item& held) { return key_of(held) == key; });
    if (present) continue;
    Item* added = into->Add();
    *added = item;
    if constexpr (HasDefaultFlag<Item>::value) added->set_is_default(false);
  }
}

std::string AddressKey(const v1::Address& a) {
  return absl::StrCat(a.type(), "\x1f", absl::StrJoin(a.street_lines(), "\x1e"), "\x1f",
                      a.postal_code(), "\x1f", absl::AsciiStrToLower(a.city()), "\x1f", a.region(),
                      "\x1f", a.country_code());
}

void RestoreOutputOnly(const v1::Partner& survivor, v1::Partner* result) {
  result->set_name(survivor.name());
  result->set_display_name(survivor.display_name());
  result->clear_create_time();
  result->clear_update_time();
  if (survivor.has_create_time()) *result->mutable_create_time() = survivor.create_time();
  if (survivor.has_update_time()) *result->mutable_update_time() = survivor.update_time();
  result->set_etag(survivor.etag());
  result->set_state(survivor.state());
  result->set_merged_into(survivor.merged_into());
}

}  // namespace

absl::Status CheckMergeFieldPath(const std::string& path, std::string_view field) {
  google::protobuf::FieldMask mask;
  mask.add_paths(path);
  v1::Partner probe;
  absl::Status status = api::ApplyFieldMask(mask, v1::Partner(), &probe, ChoiceRules());
  if (status.ok()) return status;
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  return InvalidField(std::string(field), violations.empty() ? std::string(status.message())
                                                : violations.front().description);
}

absl::StatusOr<v1::Partner> MergedPartner(const v1::Partner& survivor,
                                          const std::vector<const v1::Partner*>& merged,
                                          const std::vector<FieldChoice>& choices) {
  v1::Partner result = survivor;
  for (const v1::Partner* other : merged) {
    FillGaps(*other, &result);
    Unite(other->addresses(), result.mutable_addresses(), AddressKey);
    Unite(other->email_addresses(), result.mutable_email_addresses(),
          [](const v1::EmailAddress& e) { return absl::AsciiStrToLower(e.address()); });
    Unite(other->phone_numbers(), result.mutable_phone_numbers(),
          [](const v1::PhoneNumber& p) { return p.number(); });
    Unite(other->bank_accounts(), result.mutable_bank_accounts(),
          [](const v1::BankAccount& b) { return b.iban(); });
    for (const v1::Role& role : other->roles()) {
      const bool held = std::any_of(result.roles().begin(), result.roles().end(),
                                    [&](const v1::Role& r) { return r.type() == role.type(); });
      if (!held) *result.add_roles() = role;
    }
    for (const auto& [key, value] : other->custom_fields()) {
      result.mutable_custom_fields()->insert({key, value});  // keeps the survivor's
    }
  }
  for (const FieldChoice& choice : choices) {
    google::protobuf::FieldMask mask;
    mask.add_paths(choice.path);
    if (absl::Status s = api::ApplyFieldMask(mask, *choice.source, &result, ChoiceRules());
        !s.ok()) {
      return s;
    }
  }
  RestoreOutputOnly(survivor, &result);
  return result;
}

}  // namespace crm::partners
