#include "common/text/csv_reader.h"

namespace crm::text {

void CsvReader::EndField() {
  record_.fields.push_back(std::move(field_));
  field_.clear();
}

void CsvReader::EndRecord(std::vector<CsvRecord>* out) {
  EndField();
  // A blank line is no record.
  if (!(record_.fields.size() == 1 && record_.fields[0].empty() && record_.error.empty())) {
    out->push_back(std::move(record_));
  }
  record_ = CsvRecord();
  record_started_ = false;
  state_ = State::kFieldStart;
}

void CsvReader::Feed(absl::string_view chunk, std::vector<CsvRecord>* out) {
  for (char c : chunk) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') continue;  // CRLF ended the record already
    }
    if (!record_started_) {
      record_.line = line_;
      record_started_ = true;
    }
    const bool line_break = c == '\n' || c == '\r';
    switch (state_) {
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') ++line_;
          field_ += c;
        }
        continue;
      case State::kQuoteInQuoted:
        if (c == '"') {  // a doubled quote stands for one
          field_ += '"';
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kAfterQuoted;
        break;
      default:
        break;
    }
    if (line_break) {
      pending_cr_ = c == '\r';
      ++line_;
      EndRecord(out);
      continue;
    }
    if (c == ',') {
      EndField();
      state_ = State::kFieldStart;
      continue;
    }
    switch (state_) {
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
        } else {
          field_ += c;
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == '"' && record_.error.empty()) {
          record_.error = "a quote inside a field that does not start with one";
        }
        field_ += c;
        break;
      case State::kAfterQuoted:
        if (record_.error.empty()) record_.error = "text after the closing quote of a field";
        field_ += c;
        break;
      default:
        break;
    }
  }
}

void CsvReader::Finish(std::vector<CsvRecord>* out) {
  if (!record_started_) return;
  if (state_ == State::kQuoted && record_.error.empty()) {
    record_.error = "a quoted field is not closed";
  }
  EndRecord(out);
}

}  // namespace crm::text
