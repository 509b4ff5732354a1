// The worked examples of web/examples, read at build time so the page needs
// nothing but the API at run time. File names start with a number: that
// order is the order of docs/queries.md.
const files = import.meta.glob('../../../examples/*.graphql', { query: '?raw', import: 'default', eager: true });

export const examples = Object.keys(files)
  .sort()
  .map((path) => {
    const query = files[path];
    const first = query.split('\n', 1)[0];
    return {
      name: path.replace(/^.*\//, '').replace(/\.graphql$/, ''),
      question: first.replace(/^#\s*/, ''),
      query,
    };
  });
