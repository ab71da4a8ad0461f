// An incremental reader of CSV text (RFC 4180): the text may arrive in
// chunks split anywhere (inside a field, a quoted line break or a UTF-8
// sequence); complete records come out as they close. Fields are separated
// by commas; a field in double quotes may hold commas, line breaks and
// doubled quotes. Lines end in LF or CRLF.
#ifndef CRM_COMMON_TEXT_CSV_READER_H_
#define CRM_COMMON_TEXT_CSV_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::text {

struct CsvRecord {
  // The line the record starts on, from 1.
  int64_t line = 0;
  std::vector<std::string> fields;
  // Why the record is malformed (e.g. text after a closing quote); empty
  // when it is sound.
  std::string error;
};

class CsvReader {
 public:
  // Adds text and appends the records it completes to `out`.
  void Feed(absl::string_view chunk, std::vector<CsvRecord>* out);
  // Ends the text: appends the last record if it did not end in a line
  // break (an open quote is an error).
  void Finish(std::vector<CsvRecord>* out);

 private:
  void EndField();
  void EndRecord(std::vector<CsvRecord>* out);

  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterQuoted };
  State state_ = State::kFieldStart;
  CsvRecord record_;
  std::string field_;
  int64_t line_ = 1;
  bool record_started_ = false;
  bool pending_cr_ = false;
};

}  // namespace crm::text

#endif  // CRM_COMMON_TEXT_CSV_READER_H_
