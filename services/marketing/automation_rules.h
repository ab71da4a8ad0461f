// The rules of automation that need no storage: which feed a record type
// comes from, the validation of a rule against that type's fields, and
// whether a change meets a rule.
#ifndef CRM_SERVICES_MARKETING_AUTOMATION_RULES_H_
#define CRM_SERVICES_MARKETING_AUTOMATION_RULES_H_

#include <google/protobuf/message.h>

#include <memory>
#include <string>

#include "common/errors.h"
#include "crm/feed/v1/change_feed.pb.h"
#include "crm/marketing/v1/automation.pb.h"

namespace crm::marketing {

// The service whose feed carries records of `resource_type` ("partners",
// "sales", "servicedesk"), or "" when the suite has no such service.
std::string SourceOfType(const std::string& resource_type);

void ValidateAutomationRule(const v1::AutomationRule& rule, const std::string& path,
                            Violations* out);

// The changed record of `change`, or null when it carries none (a
// deletion) or not of a type this build knows.
std::unique_ptr<google::protobuf::Message> RecordOf(const feed::v1::Change& change);

// Whether `change` (its kind, time and record) triggers `rule`. `record` is
// RecordOf(change).
bool Triggers(const v1::AutomationRule& rule, const feed::v1::Change& change,
              const google::protobuf::Message& record);

// The text of the string field `path` of `record` ("" when not set).
std::string StringField(const google::protobuf::Message& record, const std::string& path);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_AUTOMATION_RULES_H_
