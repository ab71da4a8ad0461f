#include "services/marketing/automation_rules.h"

#include <google/protobuf/descriptor.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"

namespace crm::marketing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using validation::Child;
using validation::Element;

constexpr int kMaxConditions = 10;

// The field `path` names in `type`: singular fields all the way, messages
// on the way; null when there is none.
const FieldDescriptor* FieldAt(const Descriptor* type, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (type == nullptr) return nullptr;
    field = type->FindFieldByName(std::string(part));
    if (field == nullptr || field->is_repeated()) return nullptr;
    type = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return field;
}

bool IsNumeric(const FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return true;
    default:
      return false;
  }
}

// The message holding the last part of `path` (its parents followed as
// set or default), and that last field.
const Message* Holder(const Message& record, const std::string& path,
                      const FieldDescriptor** field) {
  const Message* message = &record;
  const std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    *field = message->GetDescriptor()->FindFieldByName(parts[i]);
    if (*field == nullptr || (*field)->is_repeated()) return nullptr;
    if (i + 1 < parts.size()) {
      if ((*field)->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return nullptr;
      message = &message->GetReflection()->GetMessage(*message, *field);
    }
  }
  return message;
}

double NumberOf(const Message& m, const FieldDescriptor* f) {
  const Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT64:
      return static_cast<double>(r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(m, f);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<double>(r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return r->GetDouble(m, f);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return r->GetFloat(m, f);
    default:
      return 0;
  }
}

bool Holds(const v1::FieldCondition& condition, const Message& record) {
  const FieldDescriptor* field = nullptr;
  const Message* holder = Holder(record, condition.field(), &field);
  if (holder == nullptr) return false;
  const Reflection* r = holder->GetReflection();
  int order = 0;  // <0, 0, >0: the field against the value
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      order = r->GetString(*holder, field).compare(condition.value());
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      order = r->GetBool(*holder, field) == (condition.value() == "true") ? 0 : 1;
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      order = r->GetEnum(*holder, field)->name() == condition.value() ? 0 : 1;
      break;
    default: {
      double value = 0;
      if (!absl::SimpleAtod(condition.value(), &value)) return false;
      const double actual = NumberOf(*holder, field);
      order = actual < value ? -1 : (actual > value ? 1 : 0);
    }
  }
  switch (condition.operator_()) {
    case v1::COMPARISON_OPERATOR_EQUALS:
      return order == 0;
    case v1::COMPARISON_OPERATOR_NOT_EQUALS:
      return order != 0;
    case v1::COMPARISON_OPERATOR_LESS:
      return order < 0;
    case v1::COMPARISON_OPERATOR_LESS_OR_EQUAL:
      return order <= 0;
    case v1::COMPARISON_OPERATOR_GREATER:
      return order > 0;
    case v1::COMPARISON_OPERATOR_GREATER_OR_EQUAL:
      return order >= 0;
    default:
      return false;
  }
}

void ValidateCondition(const v1::FieldCondition& condition, const Descriptor* type,
                       const std::string& at, Violations* out) {
  const std::string field_path = Child(at, "field");
  if (condition.field().empty()) {
    out->Add(field_path, "is required");
    return;
  }
  const FieldDescriptor* field = type == nullptr ? nullptr : FieldAt(type, condition.field());
  if (type != nullptr &&
      (field == nullptr || field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)) {
    out->Add(field_path,
             absl::StrCat("is not a single scalar or enum field of ", type->full_name()));
    return;
  }
  const std::string op = Child(at, "operator");
  if (!validation::CheckRequiredEnum(condition.operator_(), v1::ComparisonOperator_IsValid, op,
                                     out) ||
      field == nullptr) {
    return;
  }
  const std::string value = Child(at, "value");
  const bool ordering = condition.operator_() != v1::COMPARISON_OPERATOR_EQUALS &&
                        condition.operator_() != v1::COMPARISON_OPERATOR_NOT_EQUALS;
  if (IsNumeric(field)) {
    double number = 0;
    if (!absl::SimpleAtod(condition.value(), &number)) out->Add(value, "must be a number");
    return;
  }
  if (ordering) {
    out->Add(op, "orders only numbers; use EQUALS or NOT_EQUALS");
    return;
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL && condition.value() != "true" &&
      condition.value() != "false") {
    out->Add(value, "must be true or false");
  } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM &&
             field->enum_type()->FindValueByName(condition.value()) == nullptr) {
    out->Add(value, absl::StrCat("must be a value of ", field->enum_type()->full_name()));
  } else {
    validation::CheckText(condition.value(), 200, value, out);
  }
}

}  // namespace

std::string SourceOfType(const std::string& resource_type) {
  for (const char* source : {"partners", "sales", "servicedesk"}) {
    if (absl::StartsWith(resource_type, absl::StrCat("crm.", source, ".v1."))) return source;
  }
  return "";
}

void ValidateAutomationRule(const v1::AutomationRule& rule, const std::string& path,
                            Violations* out) {
  validation::CheckRequiredText(rule.display_name(), 200, Child(path, "display_name"), out);
  const std::string type_path = Child(path, "resource_type");
  const Descriptor* type = nullptr;
  if (rule.resource_type().empty()) {
    out->Add(type_path, "is required");
  } else if (SourceOfType(rule.resource_type()).empty() ||
             (type = DescriptorPool::generated_pool()->FindMessageTypeByName(
                  rule.resource_type())) == nullptr) {
    out->Add(type_path,
             "must be a record of the partners, sales or servicedesk service, e.g. "
             "\"crm.sales.v1.Opportunity\"");
  }
  const std::string kinds = Child(path, "change_kinds");
  std::set<int> seen;
  for (int i = 0; i < rule.change_kinds_size(); ++i) {
    const int kind = rule.change_kinds(i);
    if (kind != feed::v1::CHANGE_KIND_CREATED && kind != feed::v1::CHANGE_KIND_UPDATED) {
      out->Add(Element(kinds, i), "must be CHANGE_KIND_CREATED or CHANGE_KIND_UPDATED");
    } else if (!seen.insert(kind).second) {
      out->Add(Element(kinds, i), "is listed twice");
    }
  }
  const std::string conditions = Child(path, "conditions");
  if (validation::CheckMaxEntries(rule.conditions_size(), kMaxConditions, conditions, out)) {
    for (int i = 0; i < rule.conditions_size(); ++i) {
      ValidateCondition(rule.conditions(i), type, Element(conditions, i), out);
    }
  }
  const std::string partner = Child(path, "partner_field");
  if (rule.partner_field().empty()) {
    out->Add(partner, "is required");
  } else if (type != nullptr) {
    const FieldDescriptor* field = FieldAt(type, rule.partner_field());
    if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      out->Add(partner, absl::StrCat("is not a single text field of ", type->full_name()));
    }
  }
  const std::string campaign = Child(path, "campaign");
  if (rule.campaign().empty()) {
    out->Add(campaign, "is required");
  } else {
    validation::CheckOptionalReference(rule.campaign(), "campaigns", campaign, out);
  }
  if (rule.wave_id().empty()) out->Add(Child(path, "wave_id"), "is required");
}

std::unique_ptr<Message> RecordOf(const feed::v1::Change& change) {
  if (!change.has_resource()) return nullptr;
  const std::string& url = change.resource().type_url();
  const std::string type_name = url.substr(url.rfind('/') + 1);
  const Descriptor* type = DescriptorPool::generated_pool()->FindMessageTypeByName(type_name);
  if (type == nullptr) return nullptr;
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) return nullptr;
  std::unique_ptr<Message> record(prototype->New());
  if (!record->ParseFromString(change.resource().value())) return nullptr;
  return record;
}

bool Triggers(const v1::AutomationRule& rule, const feed::v1::Change& change,
              const Message& record) {
  if (rule.paused() || record.GetDescriptor()->full_name() != rule.resource_type()) return false;
  if (api::TimestampToMicros(change.change_time()) < api::TimestampToMicros(rule.create_time())) {
    return false;
  }
  if (rule.change_kinds().empty()) {
    if (change.kind() != feed::v1::CHANGE_KIND_CREATED &&
        change.kind() != feed::v1::CHANGE_KIND_UPDATED) {
      return false;
    }
  } else if (std::find(rule.change_kinds().begin(), rule.change_kinds().end(), change.kind()) ==
             rule.change_kinds().end()) {
    return false;
  }
  for (const v1::FieldCondition& condition : rule.conditions()) {
    if (!Holds(condition, record)) return false;
  }
  return true;
}

std::string StringField(const Message& record, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  const Message* holder = Holder(record, path, &field);
  if (holder == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return "";
  return holder->GetReflection()->GetString(*holder, field);
}

}  // namespace crm::marketing
