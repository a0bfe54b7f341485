import { useState } from 'preact/hooks';
import { ApiError, ownerDownload, ownerCall } from './api.js';
import { AccountShell } from './account.js';
import { formatDateTime, Notice, PageTitle, useAction, useLoad } from './ui.js';

/** A pending account deletion as /customer/privacy/erasure answers it. */
interface Erasure {
  id: string;
  status: string;
  requested_at: string;
  erase_after: string;
}

/** The owner's privacy page (`/account/privacy`): download everything held about them, and delete the account (with its undo window). */
export function PrivacyPage(props: { url: URL }) {
  return <AccountShell url={props.url}>{() => <Privacy />}</AccountShell>;
}

function Privacy() {
  const loaded = useLoad(() => ownerCall<{ erasure: Erasure | null }>('GET', '/customer/privacy/erasure'), []);
  const [erasure, setErasure] = useState<Erasure | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const download = useAction();
  const deletion = useAction();
  const pending = erasure === undefined ? loaded.data?.erasure ?? null : erasure;

  const exportData = () => download.run(async () => {
    const { blob, filename } = await ownerDownload('/customer/privacy/export');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    link.click();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  const requestDeletion = () => {
    if (!window.confirm('Delete your WebMagic account? Your subscriptions end and your personal data is erased after 7 days, unless you undo it before then.')) return;
    void deletion.run(async () => {
      setNotice(null);
      setErasure((await ownerCall<{ erasure: Erasure }>('POST', '/customer/privacy/erasure')).erasure);
    });
  };
  const undo = () => deletion.run(async () => {
    try {
      await ownerCall('DELETE', '/customer/privacy/erasure');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'erasure_not_pending') loaded.reload();
      throw error;
    }
    setErasure(null);
    setNotice('The deletion is undone: your account stays as it is.');
  });

  return (
    <>
      <PageTitle>Privacy</PageTitle>
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Download your data</h2>
        <p>One .zip file with everything we hold about you: your profile, sites, payments, subscriptions, support requests, change requests, the emails we sent you and the recorded actions about your account, as JSON files with a README.</p>
        {download.error && <Notice kind="error">{download.error.message}</Notice>}
        <button type="button" disabled={download.busy} onClick={() => void exportData()}>{download.busy ? 'Preparing…' : 'Download my data'}</button>
      </section>
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete your account</h2>
        {loaded.error && <Notice kind="error">{loaded.error.message}</Notice>}
        {notice && <Notice kind="success">{notice}</Notice>}
        {deletion.error && <Notice kind="error">{deletion.error.message}</Notice>}
        {pending ? (
          <>
            <Notice kind="info">
              Your account is scheduled for deletion on <strong>{formatDateTime(pending.erase_after)}</strong>. Until then you can undo it and nothing changes.
            </Notice>
            <button type="button" disabled={deletion.busy} onClick={() => void undo()}>Undo the deletion</button>
          </>
        ) : loaded.data || erasure === null ? (
          <>
            <p>We end your subscriptions (your sites go offline), sign you out everywhere and erase your name, email, phone, support requests and change requests. Payment records that accounting must keep stay, without your name or email. You have 7 days to change your mind; we email you when it is scheduled and when it is done.</p>
            <button type="button" class="danger" disabled={deletion.busy} onClick={requestDeletion}>Delete my account</button>
          </>
        ) : <p>Loading…</p>}
      </section>
    </>
  );
}
