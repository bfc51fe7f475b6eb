import { Menu, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';

const CHOICES: Array<{ scheme: MantineColorScheme; label: string }> = [
  { scheme: 'light', label: 'Light' },
  { scheme: 'dark', label: 'Dark' },
  { scheme: 'auto', label: 'Same as system' },
];

/** Light, dark, or following the system (the default); Mantine keeps the choice in localStorage. */
export function ColorSchemeItems() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <>
      <Menu.Label>Appearance</Menu.Label>
      {CHOICES.map(({ scheme, label }) => (
        <Menu.Item
          key={scheme}
          role="menuitemradio"
          aria-checked={colorScheme === scheme}
          rightSection={colorScheme === scheme ? <span aria-hidden>✓</span> : undefined}
          closeMenuOnClick={false}
          onClick={() => setColorScheme(scheme)}
        >
          {label}
        </Menu.Item>
      ))}
    </>
  );
}
