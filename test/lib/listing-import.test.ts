import { describe, expect, it } from 'vitest';
import { checkListing, listingRowsFromCsv, nameAddressKey, phoneKey } from '../../lib/listing-import.js';

const base = { name: 'Ana Plumbing', category: 'Plumber', address: '4 Calle 5-20', city: 'Antigua', phone: '+502 5555-0101' };
const reason = (value: unknown) => {
  const checked = checkListing({ row: 7, value });
  return 'listing' in checked ? null : { field: checked.field, reason: checked.reason };
};

describe('listing import', () => {
  it('reads CSV rows with | separated hours, services and reviews, numbering rows as a spreadsheet does', () => {
    const csv = 'name,category,address,city,phone,email,hours,rating,review_count,services,reviews\r\n'
      + '"Ana Plumbing, Antigua",Plumber,4 Calle 5-20,Antigua,+502 5555-0101,ana@example.com,Mon–Fri=8am–5pm|Sat=9am–1pm,4.7,31,Leaks|Water heaters,"Fast and tidy ~ Luis|Fair price"\r\n'
      + 'Bob Roofs,Roofer,1 Av,Xela,5555 0202,,,,,,\r\n';
    const parsed = listingRowsFromCsv(csv);
    expect('rows' in parsed && parsed.rows).toEqual([
      {
        row: 2,
        value: {
          name: 'Ana Plumbing, Antigua', category: 'Plumber', address: '4 Calle 5-20', city: 'Antigua', phone: '+502 5555-0101', email: 'ana@example.com',
          hours: { 'Mon–Fri': '8am–5pm', Sat: '9am–1pm' }, rating: 4.7, reviewCount: 31, services: ['Leaks', 'Water heaters'],
          reviews: [{ text: 'Fast and tidy', author: 'Luis' }, { text: 'Fair price' }],
        },
      },
      { row: 3, value: { name: 'Bob Roofs', category: 'Roofer', address: '1 Av', city: 'Xela', phone: '5555 0202' } },
    ]);
    if (!('rows' in parsed)) return;
    expect(parsed.rows.map((r) => 'listing' in checkListing(r))).toEqual([true, true]);
  });

  it('refuses a CSV without the required columns, or with columns it does not know, saying which', () => {
    expect(listingRowsFromCsv('name,category,city\nA,B,C')).toEqual({ error: 'The CSV header lacks the columns address, phone.' });
    expect(listingRowsFromCsv('name,category,address,city,phone,website\nA,B,C,D,1234567,x')).toEqual({ error: 'The CSV header has columns the import does not know: website. Known columns: name, category, address, city, phone, email, hours, rating, review_count, services, reviews, photos.' });
    expect(listingRowsFromCsv('')).toEqual({ error: 'The CSV is empty.' });
  });

  it('names the field and the problem of a refused row in a sentence', () => {
    expect(reason(base)).toBeNull();
    expect(reason({ ...base, phone: undefined })).toEqual({ field: 'phone', reason: 'The phone number is missing.' });
    expect(reason({ ...base, phone: 'call us' })).toMatchObject({ field: 'phone' });
    expect(reason({ ...base, phone: 'call us' })?.reason).toContain('is not a phone number');
    expect(reason({ ...base, name: 'Ana\nPlumbing' })).toEqual({ field: 'name', reason: 'The business name must be on one line.' });
    expect(reason({ ...base, name: 'x'.repeat(201) })).toEqual({ field: 'name', reason: 'The business name is longer than 200 characters.' });
    expect(reason({ ...base, email: 'not-an-address' })).toEqual({ field: 'email', reason: 'The email address "not-an-address" is not a valid address.' });
    expect(reason({ ...base, rating: 7 })).toEqual({ field: 'rating', reason: 'The rating must be a number from 0 to 5.' });
    expect(reason({ ...base, hours: { Mon: '' } })).toMatchObject({ field: 'hours' });
    expect(reason({ ...base, hours: { Mon: '' } })?.reason).toContain('The hours of Mon is missing.');
    expect(reason({ ...base, website: 'x' })).toEqual({ field: 'website', reason: 'Unknown field: website.' });
    expect(reason({ ...base, photos: ['a.jpg'] })).toEqual({ field: 'photos', reason: 'The photo "a.jpg" was not uploaded with the batch; upload the listings and their photos together.' });
    expect(reason({ ...base, photos: 'a.jpg' })?.reason).toBe('The photos must be a list of at most 24 file names (the first is the hero image).');
    const uploaded = (name: string) => (name === 'a.jpg' ? null : `no ${name}`);
    expect(checkListing({ row: 1, value: { ...base, photos: ['a.jpg'] } }, uploaded)).toEqual({ row: 1, listing: { ...base, photos: ['a.jpg'] } });
    expect(checkListing({ row: 1, value: { ...base, photos: ['a.jpg', 'b.jpg'] } }, uploaded)).toEqual({ row: 1, field: 'photos', reason: 'no b.jpg' });
    expect(checkListing({ row: 1, value: { ...base, photos: ['a.jpg', 'a.jpg'] } }, uploaded)).toMatchObject({ field: 'photos', reason: 'The photos name the same file twice.' });
    expect(reason('a string')).toMatchObject({ field: null });
    expect(reason('a string')?.reason).toContain('not a listing');
  });

  it('meets two spellings of one phone number, and of one name and address', () => {
    expect(phoneKey('+502 5555-0101')).toBe(phoneKey('(502) 5555 0101'));
    expect(phoneKey('0055 1234')).toBe('551234');
    expect(nameAddressKey({ name: "Joe's  Plumbing", address: '88 Riverside Dr.', city: 'AUSTIN' })).toBe(nameAddressKey({ name: 'joe s plumbing', address: '88 riverside dr', city: 'Austin' }));
  });
});
