import { useEffect, useState } from 'preact/hooks';
import { publicCall, type ApiError } from './api.js';
import { PublicShell } from './account.js';
import { takeLinkToken } from './router.js';
import { asApiError, Notice, PageTitle } from './ui.js';

interface CancelledClaim {
  status: 'cancelled';
  site_title: string;
  site_url: string;
}

/**
 * Where Cancel on the claim's checkout page leads (`/account/claim-cancelled?claim=…&token=…`): releases the site at
 * once through the API and says so. The token comes from the checkout's cancel URL and leaves the address bar at once.
 */
export function ClaimCancelledPage(props: { url: URL }) {
  const workflowId = props.url.searchParams.get('claim') ?? '';
  const [token] = useState(takeLinkToken);
  const [claim, setClaim] = useState<CancelledClaim | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!token) return;
    publicCall<CancelledClaim>('POST', '/claims/cancel', { workflow_id: workflowId, token }).then(setClaim, (caught: unknown) => setError(asApiError(caught)));
  }, [workflowId, token]);
  return (
    <PublicShell>
      <PageTitle>{claim ? 'Your claim was cancelled' : error || !token ? 'This claim could not be cancelled' : 'Cancelling your claim…'}</PageTitle>
      {!token && <Notice kind="error">This link is incomplete. Go back to the checkout page and press Cancel again.</Notice>}
      {error && <Notice kind="error">{error.message}</Notice>}
      {claim && (
        <>
          <Notice kind="success">No payment was made, and {claim.site_title} is available again — to you or to anyone else.</Notice>
          <p>Changed your mind? You can claim it again from the site while it is still available.</p>
          <p class="actions"><a class="button" href={claim.site_url}>Back to {claim.site_title}</a></p>
        </>
      )}
    </PublicShell>
  );
}
