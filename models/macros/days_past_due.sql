-- Days past due as of a date: that date less the due date, or less the document date when
-- aging.basis is document_date. 0 or fewer days is not due.
create or replace macro days_past_due(as_of, document_date, due_date, basis) as
    as_of - case when basis = 'document_date' then document_date else due_date end
