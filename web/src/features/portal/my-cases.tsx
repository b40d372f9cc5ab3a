/** The requester's cases, newest first, each with its status in plain words. */
import { Link } from 'react-router';
import type { Case } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/states';
import { DateTime } from '../../lib/dates';
import { useCaseType, useMyCases } from './api';
import { statusWords } from './status-words';
import { text } from './text';

function CaseItem({ kase }: { kase: Case }) {
  const type = useCaseType(kase.type, kase.typeVersion);
  const status = statusWords(kase, type.data);
  return (
    <li>
      <Link to={`/my/cases/${kase.caseId}`}>{kase.subject}</Link>
      <div className="row muted">
        <span
          className={`badge ${kase.statusCategory === 'waiting' ? 'warn' : kase.statusCategory === 'active' ? '' : 'ok'}`}
          data-testid="status-words"
        >
          {status.words}
          {status.label && kase.statusCategory === 'waiting' ? `: ${status.label}` : ''}
        </span>
        <span>
          {text.caseNumber} {kase.caseId}
        </span>
        <span>
          {text.updated}: <DateTime iso={kase.updatedAt} />
        </span>
      </div>
    </li>
  );
}

export default function MyCases() {
  const cases = useMyCases();
  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{text.myCases}</h1>
        <Link className="button" to="/my/new">
          {text.openCase}
        </Link>
      </div>
      {cases.isPending ? (
        <Loading />
      ) : cases.isError ? (
        <ErrorState error={cases.error} onRetry={() => void cases.refetch()} />
      ) : cases.data.items.length === 0 ? (
        <Empty title={text.noCases}>
          <p>{text.noCasesHint}</p>
        </Empty>
      ) : (
        <ul className="case-list" aria-label={text.myCases}>
          {cases.data.items.map((kase) => (
            <CaseItem key={kase.caseId} kase={kase} />
          ))}
        </ul>
      )}
    </>
  );
}
