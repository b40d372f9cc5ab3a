/**
 * Opening a case through the type's intake form: subject and description, then the type's
 * public questions as its form declares them (conditional ones appear as their condition
 * holds), knowledge suggestions beside, and the API's validation messages at the fields.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { data } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useApi } from '../../app/providers';
import { portalKeys, useCaseType } from '../portal/api';
import { KnowledgeSuggestions } from '../knowledge/suggestions';
import { FieldInput, inputId, RequiredMark } from './field-input';
import { answersToSend, formFieldOf, visibleQuestions, type Answers } from './form-model';
import { text } from './text';

const DEFAULT_TYPE = 'support';

export default function IntakePage() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const types = useQuery({ queryKey: ['case-types'], staleTime: 5 * 60_000, queryFn: () => data(api.GET('/case-types', {})) });
  const [typeId, setTypeId] = useState<string | undefined>();
  const chosen = typeId ?? (types.data?.items.some((t) => t.typeId === DEFAULT_TYPE) ? DEFAULT_TYPE : types.data?.items[0]?.typeId);
  const type = useCaseType(chosen);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [answers, setAnswers] = useState<Answers>({});
  const summaryRef = useRef<HTMLDivElement>(null);

  const submit = useMutation({
    mutationFn: () =>
      data(
        api.POST('/cases', {
          body: { type: chosen ?? DEFAULT_TYPE, subject, description, fields: type.data ? answersToSend(type.data, answers) : {} },
        }),
      ),
    onSuccess: async (kase) => {
      await queryClient.invalidateQueries({ queryKey: portalKeys.myCases });
      navigate(`/my/cases/${kase.caseId}`, { state: { opened: true } });
    },
  });

  const problem = submit.error instanceof ApiProblem ? submit.error : undefined;
  const errorsFor = (name: string) => (problem?.problem.errors ?? []).filter((e) => formFieldOf(e.field) === name).map((e) => e.message);
  const questions = type.data ? visibleQuestions(type.data, answers) : [];
  const known = new Set(['subject', 'description', 'type', ...questions.map((q) => q.field.name)]);
  const unplaced = (problem?.problem.errors ?? []).filter((e) => !known.has(formFieldOf(e.field)));

  // After a refused submission, take the keyboard to the first field the API named.
  useEffect(() => {
    if (!problem) return;
    const first = (problem.problem.errors ?? []).map((e) => formFieldOf(e.field)).find((name) => known.has(name));
    const target = first
      ? document.getElementById(first === 'subject' || first === 'description' || first === 'type' ? `intake-${first}` : inputId(first))
      : summaryRef.current;
    target?.focus();
  }, [problem]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    submit.mutate();
  }

  if (types.isPending) return <Loading />;
  if (types.isError) return <ErrorState error={types.error} onRetry={() => void types.refetch()} />;
  if (types.data.items.length === 0) return <Empty title={text.noTypes} />;

  const subjectErrors = errorsFor('subject');
  const descriptionErrors = errorsFor('description');
  return (
    <>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <div className="layout-2">
        <form onSubmit={onSubmit} noValidate className="panel" aria-labelledby="intake-h">
          <h2 id="intake-h" className="visually-hidden">
            {text.title}
          </h2>
          <div ref={summaryRef} tabIndex={-1}>
            {problem ? (
              <div className="state state-error" role="alert">
                <p className="state-title">{problem.problem.title}</p>
                <p>{problem.problem.errors?.length ? text.fixErrors : problem.problem.detail}</p>
                {unplaced.length > 0 ? <ErrorState error={new ApiProblem({ ...problem.problem, errors: unplaced })} /> : null}
              </div>
            ) : submit.isError ? (
              <ErrorState error={submit.error} />
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="intake-type">{text.caseType}</label>
            <select id="intake-type" value={chosen ?? ''} onChange={(event) => setTypeId(event.target.value)}>
              {types.data.items.map((t) => (
                <option key={t.typeId} value={t.typeId}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="intake-subject">
              {text.subject}
              <RequiredMark required />
            </label>
            <p className="help" id="intake-subject-help">
              {text.subjectHelp}
            </p>
            <input
              id="intake-subject"
              value={subject}
              maxLength={200}
              aria-required
              aria-invalid={subjectErrors.length > 0 || undefined}
              aria-describedby={`intake-subject-help${subjectErrors.length ? ' intake-subject-error' : ''}`}
              onChange={(event) => setSubject(event.target.value)}
            />
            {subjectErrors.length ? (
              <p className="field-error" id="intake-subject-error">
                {subjectErrors.join(' ')}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="intake-description">
              {text.description}
              <RequiredMark required />
            </label>
            <p className="help" id="intake-description-help">
              {text.descriptionHelp}
            </p>
            <textarea
              id="intake-description"
              value={description}
              aria-required
              aria-invalid={descriptionErrors.length > 0 || undefined}
              aria-describedby={`intake-description-help${descriptionErrors.length ? ' intake-description-error' : ''}`}
              onChange={(event) => setDescription(event.target.value)}
            />
            {descriptionErrors.length ? (
              <p className="field-error" id="intake-description-error">
                {descriptionErrors.join(' ')}
              </p>
            ) : null}
          </div>
          {type.isPending && chosen ? <Loading /> : type.isError ? <ErrorState error={type.error} /> : null}
          {questions.map((question) => (
            <FieldInput
              key={question.field.name}
              field={question.field}
              required={question.required}
              value={answers[question.field.name]}
              errors={errorsFor(question.field.name)}
              onChange={(value) => setAnswers((current) => ({ ...current, [question.field.name]: value }))}
            />
          ))}
          <button type="submit" disabled={submit.isPending}>
            {submit.isPending ? text.submitting : text.submit}
          </button>
        </form>
        <KnowledgeSuggestions subject={subject} description={description} />
      </div>
    </>
  );
}
